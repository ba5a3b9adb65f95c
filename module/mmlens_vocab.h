/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlens_vocab.h - the words the module's files and the mmlens tool
 * share, in one place for both sides: included by the module and by
 * userspace/ (no kernel types, no libc), so they cannot drift.
 */
#ifndef MMLENS_VOCAB_H
#define MMLENS_VOCAB_H

/* Bumped with every change of a file format; /proc/mmlens/version. */
#define MMLENS_VERSION "0.3.0"

#endif /* MMLENS_VOCAB_H */
