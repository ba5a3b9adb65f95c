/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.h - decoding raw x86-64 page-table entries: what kind of entry it
 * is (present, swap, migration, ...), its frame or swap slot, and the
 * names of its flag bits. Pure functions of the raw value (KUnit target).
 */
#ifndef MMLENS_ENTRY_H
#define MMLENS_ENTRY_H

#include <linux/types.h>

#include "mmlens_vocab.h"	/* enum mmlens_kind */
#include "pt/level.h"


struct mmlens_entry {
	enum mmlens_kind kind;
	u64 value;		/* 4 KiB frame (present, migration, device,
				 * hwpoison) or swap offset
				 */
	unsigned int type;	/* swap type */
	u64 flags;		/* the named flag bits that are set */
	bool zero;
	const char *marker;	/* marker kind name */
	enum mmlens_marker mark;	/* the same as a number */
};

void mmlens_decode_entry(u64 raw, enum mmlens_level level, bool zero,
			 struct mmlens_entry *e);
/* The flags of a leaf (or of a table entry) as 1 << enum mmlens_flag_bit. */
u64 mmlens_flag_bits(u64 raw, enum mmlens_level level, bool leaf, bool zero);
/* "rw,user,..." or "-": the names of those bits, in their order. */
int mmlens_format_flags(char *buf, size_t size, u64 raw,
			enum mmlens_level level, bool leaf, bool zero);
const char *mmlens_kind_name(enum mmlens_kind kind);
/*
 * The named flag bits of a pte with the present bit set: what
 * mmlens_decode_entry() puts in e->flags for it is raw & this mask.
 */
u64 mmlens_pte_named_flags(void);

#endif /* MMLENS_ENTRY_H */
