/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlens_vocab.h - the words the module's files and the mmlens tool
 * share, written once for both sides: included by the module and by
 * userspace/ (no kernel types, no libc, nothing included), so the two
 * cannot drift. Formats: docs/walk.md, docs/frag.md.
 */
#ifndef MMLENS_VOCAB_H
#define MMLENS_VOCAB_H

/* Bumped with every change of a file format; /proc/mmlens/version. */
#define MMLENS_VERSION "0.3.0"

/*
 * The levels of x86-64 paging, top down: the order of the pagetable and
 * vtop reports, and the one order both sides count in.
 */
enum mmlens_level {
	MMLENS_PGD,
	MMLENS_P4D,
	MMLENS_PUD,
	MMLENS_PMD,
	MMLENS_PTE,
	MMLENS_NR_LEVELS,
};

#define MMLENS_LEVEL_NAMES {						\
	[MMLENS_PGD] = "pgd", [MMLENS_P4D] = "p4d", [MMLENS_PUD] = "pud",	\
	[MMLENS_PMD] = "pmd", [MMLENS_PTE] = "pte",			\
}

/* What an entry is: the kind field of a pagetable line. */
enum mmlens_kind {
	MMLENS_PRESENT,
	MMLENS_SWAP,
	MMLENS_MIGRATION,
	MMLENS_MARKER,
	MMLENS_DEVICE_PRIVATE,
	MMLENS_DEVICE_EXCLUSIVE,
	MMLENS_HWPOISON,
	MMLENS_OTHER,
	MMLENS_NR_KINDS,
};

#define MMLENS_KIND_NAMES {						\
	[MMLENS_PRESENT] = "present",					\
	[MMLENS_SWAP] = "swap",						\
	[MMLENS_MIGRATION] = "migration",				\
	[MMLENS_MARKER] = "marker",					\
	[MMLENS_DEVICE_PRIVATE] = "device-private",			\
	[MMLENS_DEVICE_EXCLUSIVE] = "device-exclusive",			\
	[MMLENS_HWPOISON] = "hwpoison",					\
	[MMLENS_OTHER] = "other",					\
}

/*
 * The names of an entry's flags= list (the bits they stand for are the
 * module's, pt/entry.c; "zero" is the huge or 4 KiB zero page).
 */
#define MMLENS_FLAG_RW		"rw"
#define MMLENS_FLAG_USER	"user"
#define MMLENS_FLAG_PWT		"pwt"
#define MMLENS_FLAG_PCD		"pcd"
#define MMLENS_FLAG_ACCESSED	"accessed"
#define MMLENS_FLAG_DIRTY	"dirty"
#define MMLENS_FLAG_HUGE	"huge"
#define MMLENS_FLAG_PAT		"pat"
#define MMLENS_FLAG_GLOBAL	"global"
#define MMLENS_FLAG_PROTNONE	"protnone"
#define MMLENS_FLAG_SPECIAL	"special"
#define MMLENS_FLAG_UFFD_WP	"uffd-wp"
#define MMLENS_FLAG_SOFT_DIRTY	"soft-dirty"
#define MMLENS_FLAG_DEVMAP	"devmap"
#define MMLENS_FLAG_SAVED_DIRTY	"saved-dirty"
#define MMLENS_FLAG_NX		"nx"
#define MMLENS_FLAG_ZERO	"zero"

/*
 * The same flags as bits, for the binary records of the pagetable files
 * (mmlens_uapi.h): bit MMLENS_FB_<X> is the flag named MMLENS_FLAG_<X>,
 * and a flags= list names the bits set in this order.
 */
enum mmlens_flag_bit {
	MMLENS_FB_RW,
	MMLENS_FB_USER,
	MMLENS_FB_PWT,
	MMLENS_FB_PCD,
	MMLENS_FB_ACCESSED,
	MMLENS_FB_DIRTY,
	MMLENS_FB_HUGE,
	MMLENS_FB_PAT,
	MMLENS_FB_GLOBAL,
	MMLENS_FB_PROTNONE,
	MMLENS_FB_SPECIAL,
	MMLENS_FB_UFFD_WP,
	MMLENS_FB_SOFT_DIRTY,
	MMLENS_FB_DEVMAP,
	MMLENS_FB_SAVED_DIRTY,
	MMLENS_FB_NX,
	MMLENS_FB_ZERO,
	MMLENS_NR_FLAG_BITS,
};

#define MMLENS_FLAG_NAMES {						\
	[MMLENS_FB_RW] = MMLENS_FLAG_RW,				\
	[MMLENS_FB_USER] = MMLENS_FLAG_USER,				\
	[MMLENS_FB_PWT] = MMLENS_FLAG_PWT,				\
	[MMLENS_FB_PCD] = MMLENS_FLAG_PCD,				\
	[MMLENS_FB_ACCESSED] = MMLENS_FLAG_ACCESSED,			\
	[MMLENS_FB_DIRTY] = MMLENS_FLAG_DIRTY,				\
	[MMLENS_FB_HUGE] = MMLENS_FLAG_HUGE,				\
	[MMLENS_FB_PAT] = MMLENS_FLAG_PAT,				\
	[MMLENS_FB_GLOBAL] = MMLENS_FLAG_GLOBAL,			\
	[MMLENS_FB_PROTNONE] = MMLENS_FLAG_PROTNONE,			\
	[MMLENS_FB_SPECIAL] = MMLENS_FLAG_SPECIAL,			\
	[MMLENS_FB_UFFD_WP] = MMLENS_FLAG_UFFD_WP,			\
	[MMLENS_FB_SOFT_DIRTY] = MMLENS_FLAG_SOFT_DIRTY,		\
	[MMLENS_FB_DEVMAP] = MMLENS_FLAG_DEVMAP,			\
	[MMLENS_FB_SAVED_DIRTY] = MMLENS_FLAG_SAVED_DIRTY,		\
	[MMLENS_FB_NX] = MMLENS_FLAG_NX,				\
	[MMLENS_FB_ZERO] = MMLENS_FLAG_ZERO,				\
}

/* The kind= of a marker run ("uffd-wp", "other"), as a record gives it. */
enum mmlens_marker {
	MMLENS_MARKER_NONE,
	MMLENS_MARKER_UFFD_WP,
	MMLENS_MARKER_OTHER,
};

/* The counters of a vmas line, and their order on it. */
#define MMLENS_VMAS_PRESENT	"present"
#define MMLENS_VMAS_SWAP	"swap"
#define MMLENS_VMAS_PMD		"pmd"
#define MMLENS_VMAS_PUD		"pud"
#define MMLENS_VMAS_DIRTY	"dirty"
#define MMLENS_VMAS_YOUNG	"young"
#define MMLENS_VMAS_RUNS	"runs"
#define MMLENS_VMAS_PTABLES	"ptables"
#define MMLENS_VMAS_KEYS {						\
	MMLENS_VMAS_PRESENT, MMLENS_VMAS_SWAP, MMLENS_VMAS_PMD,		\
	MMLENS_VMAS_PUD, MMLENS_VMAS_DIRTY, MMLENS_VMAS_YOUNG,		\
	MMLENS_VMAS_RUNS, MMLENS_VMAS_PTABLES,				\
}

/*
 * Migratetype names as /proc/pagetypeinfo prints them (the kernel's
 * migratetype_names[], which is not exported).
 */
#define MMLENS_MT_UNMOVABLE	"Unmovable"
#define MMLENS_MT_MOVABLE	"Movable"
#define MMLENS_MT_RECLAIMABLE	"Reclaimable"
#define MMLENS_MT_HIGHATOMIC	"HighAtomic"
#define MMLENS_MT_CMA		"CMA"
#define MMLENS_MT_ISOLATE	"Isolate"

#endif /* MMLENS_VOCAB_H */
