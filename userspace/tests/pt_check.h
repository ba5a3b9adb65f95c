/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_check.h - what pt_check.c and pt_mutate.c share: mmlens's answers
 * about one process (parsed by ../parse.c, kept in the form the checks
 * compare) next to the kernel's (pt_oracle.h).
 */
#ifndef MMLENS_PT_CHECK_H
#define MMLENS_PT_CHECK_H

#include "../parse.h"
#include "pt_oracle.h"

/* Entry kinds pt_check knows; any other fails "well-formed". */
enum { K_PRESENT, K_SWAP, K_MIGRATION, K_MARKER, K_DEVPRIV, K_HWPOISON,
	K_NKINDS };
extern const char *const kinds[K_NKINDS];

/* Leaf levels, bottom up (enum mmlens_level's last three, reversed). */
enum { L_PTE, L_PMD, L_PUD, L_NLEVELS };
extern const char *const lvname[L_NLEVELS];
extern const unsigned long lvpages[L_NLEVELS];

/* Flag names pt_check knows, bit i = flagnames[i]; others are errors. */
#define NFLAGNAMES 17
extern const char *const flagnames[NFLAGNAMES];
enum {
	F_RW = 1 << 0, F_USER = 1 << 1, F_ACCESSED = 1 << 4,
	F_DIRTY = 1 << 5, F_HUGE = 1 << 6, F_GLOBAL = 1 << 8,
	F_UFFD_WP = 1 << 10, F_SOFT_DIRTY = 1 << 11, F_DEVMAP = 1 << 12,
	F_NX = 1 << 13, F_ZERO = 1 << 14, F_PROTNONE = 1 << 16,
};

/* One pagetable run: first is the pfn, or the swap offset. */
struct run {
	unsigned long start, end, entries, first;
	unsigned int type, flags;
	int level, kind;
};

struct pt {
	int pid, levels;
	char comm[64];
	struct run *r;
	int n;
};

/* The index of the run holding a, or -1. */
int find_run(const struct pt *pt, unsigned long a);

struct ctx {
	const char *label;
	int pid, levels;
	struct vmas maps;	/* /proc/PID/maps + smaps */
	struct vma_list mv;	/* mmlens vmas */
	struct pt pt;		/* mmlens pagetable */
	struct snap a, b;	/* pagemap before and after */
	char *scen;
	unsigned long pt_bytes;
	double pt_ms;
};

#endif
