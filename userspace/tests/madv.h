/* SPDX-License-Identifier: GPL-2.0 */
/*
 * madv.h - madvise() advice newer than some C libraries' <sys/mman.h>:
 * MADV_PAGEOUT (5.4), MADV_POPULATE_READ (5.14) and MADV_COLLAPSE (6.1),
 * with the values of the kernel's include/uapi/asm-generic/mman-common.h.
 */
#ifndef MMLENS_TESTS_MADV_H
#define MMLENS_TESTS_MADV_H

#include <sys/mman.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

#endif
