/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_oracle.h - pt_check's readers of the kernel's own views of a
 * process, the oracle mmlens is compared with: /proc/PID/maps and smaps
 * (VMAs) and /proc/PID/pagemap (snapshots, whole or sampled). The
 * module's files are read through ../parse.c, never here.
 */
#ifndef MMLENS_PT_ORACLE_H
#define MMLENS_PT_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "lines.h"

#define PG 4096UL
#define BIG (4UL << 30)		/* VMAs larger than this are sampled */
#define NSAMPLE 2048

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_UFFD_WP (1ULL << 57)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* ------------------------------------------------------------- files */

char *slurp_fd(int fd, size_t *lenp);
char *slurp(const char *path);

/* ------------------------------------------------- maps and smaps */

struct vma {
	unsigned long start, end, pgoff;
	char perms[8];
	char *name;		/* as maps prints it ("\n" escaped), trimmed */
	/* smaps */
	long anonhuge, shmempmd, filepmd, hugetlb, kps;
	int pfnmap, softdirty;
	int exact;		/* the scenario's "exact" region */
};

struct vmas {
	struct vma *v;
	int n;
};

/* /proc/PID/maps (and smaps when asked); -1 with errno. */
int maps_read(int pid, int with_smaps, struct vmas *vs);
void vmas_free(struct vmas *vs);
int is_gate(const struct vma *v);
int is_big(const struct vma *v);
/* The index of the VMA holding a, or -1. */
int find_vma(const struct vmas *vs, unsigned long a);
/*
 * The same over any n sorted, disjoint ranges: the index of the one of
 * v[0..n), size bytes each, holding a, or -1. Each element begins with
 * its unsigned long start and end (RANGE_FIRST says so at build time).
 */
int find_range(const void *v, int n, size_t size, unsigned long a);
#define RANGE_FIRST(type)						\
	_Static_assert(offsetof(type, start) == 0 &&			\
		       offsetof(type, end) == sizeof(unsigned long),	\
		       #type " begins with unsigned long start, end")

/* ---------------------------------------------------------- pagemap */

/* An address range [start, end) a snapshot must hold in a big VMA. */
struct span {
	unsigned long start, end;
};

/* Per VMA: the whole range, or sorted (addr, value) samples. */
struct pmv {
	uint64_t *val;		/* whole VMA, or NULL */
	unsigned long *saddr;	/* samples */
	uint64_t *sval;
	long ns;
};

struct snap {
	struct pmv *v;
	int n;
};

int pm_pread(int fd, unsigned long a, uint64_t *out, long n);
/* The pagemap entry of the page holding a. */
int pm_one(int fd, unsigned long a, uint64_t *v);
/*
 * Every VMA but pfnmap ones and the gate; big VMAs get NSAMPLE
 * pseudo-random pages, their first and last page, and every page of the
 * spans (sorted) inside them.
 */
int snap_read(int fd, const struct vmas *vs, const struct span *sp, int nsp,
	      struct snap *s);
/*
 * Big VMAs: use b's samples (they hold mmlens's runs) in a too, so
 * neither side passes by not looking.
 */
int snap_share_big(struct snap *a, const struct snap *b);
/* The pagemap value of a in VMA vi, if the snapshot holds it. */
int snap_get(const struct snap *s, const struct vmas *vs, int vi,
	     unsigned long a, uint64_t *out);
void snap_free(struct snap *s);

#endif
