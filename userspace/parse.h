/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parse.h - one parser for every file of the module, over a buffer and its
 * length (no NUL needed; embedded NULs are an error). Each returns 0, or -1
 * with the line and the reason in struct parse_err. Unknown key=value
 * fields are skipped, so a newer module that adds fields still parses.
 * Free what a parser filled with the matching *_free(), also after -1.
 */
#ifndef MMLENS_PARSE_H
#define MMLENS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "../module/mmlens_vocab.h"

struct parse_err {
	unsigned int line;	/* 1-based; 0 when not about one line */
	char msg[160];
};

/* /proc/mmlens/version: "MAJOR.MINOR.PATCH" and an optional -suffix. */
struct mm_version {
	unsigned int major, minor, patch;
};

int parse_version(const char *buf, size_t len, struct mm_version *v,
		  struct parse_err *e);

/* /proc/mmlens/fraginfo: per node, zone and order. */
#define FRAG_MAX_ORDERS 32
#define FRAG_MAX_ZONES 65536

struct frag_order {
	uint64_t nr_free;
	uint64_t free_pages;
	uint64_t free_blocks_total;
	uint64_t free_blocks_suitable;
	int64_t extfrag;	/* thousandths; -1000: would not fail */
	int64_t unusable;	/* thousandths */
};

struct frag_zone {
	int node;
	char name[32];
	int norders;
	struct frag_order o[FRAG_MAX_ORDERS];
};

struct frag_info {
	size_t nzones;
	struct frag_zone *zones;
};

int parse_fraginfo(const char *buf, size_t len, struct frag_info *fi,
		   struct parse_err *e);
void frag_info_free(struct frag_info *fi);

/* debugfs vmas: one line per VMA. Counts in 4 KiB pages, pmd/pud entries. */
struct vma_info {
	uint64_t start, end, pgoff;
	char perms[5];
	uint64_t present, swap, pmd, pud, dirty, young, runs, ptables;
	char *name;		/* "" for anonymous */
};

struct vma_list {
	size_t n;
	struct vma_info *v;
};

int parse_vmas(const char *buf, size_t len, struct vma_list *vl,
	       struct parse_err *e);
void vma_list_free(struct vma_list *vl);

/* debugfs pagetable: a "#" header, then one line per run of entries. */
/* Its levels: enum mmlens_level, top down (mmlens_vocab.h, the module's). */

/* Page-table entry flags, in the order the compact form shows them. */
enum {
	PTF_RW, PTF_USER, PTF_ACCESSED, PTF_DIRTY, PTF_NX, PTF_GLOBAL,
	PTF_HUGE, PTF_ZERO, PTF_SPECIAL, PTF_SOFT_DIRTY, PTF_UFFD_WP,
	PTF_PAT, PTF_PCD, PTF_PWT, PTF_NFLAGS
};
extern const char *const pt_flag_names[PTF_NFLAGS];

struct pt_run {
	uint64_t start, end;
	enum mmlens_level level;
	uint64_t entries;
	/* present, swap, ...: room for the longest, device-exclusive */
	char kind[24];
	unsigned int flags;	/* 1 << PTF_* */
	char *other_flags;	/* flags not in the table, comma-separated */
	char *extra;		/* other fields, as written */
	int has_pfn, has_type, has_offset, has_flags;
	uint64_t pfn, type, offset;
};

struct pt_report {
	int pid;		/* -1 when the header lacks it */
	char comm[64];		/* escaped as the module wrote it */
	int has_comm;
	int levels;		/* 4 or 5; 0 when the header lacks it */
	size_t n;
	struct pt_run *r;
};

int parse_pagetable(const char *buf, size_t len, struct pt_report *pt,
		    struct parse_err *e);
void pt_report_free(struct pt_report *pt);
const char *pt_level_name(enum mmlens_level l);
/* Bytes one entry at that level maps (4 KiB pages, x86-64). */
uint64_t pt_level_bytes(enum mmlens_level l);

/* debugfs vtop: one line per level from pgd down, then the outcome. */
#define VTOP_MAX_LEVELS 8

struct vtop_level {
	char level[8];
	int folded;
	int has_index, has_entry;
	uint64_t index, entry;
	char flags[160];	/* decoded flags, space-separated */
};

struct vtop_report {
	int nlevels;
	struct vtop_level lv[VTOP_MAX_LEVELS];
	/*
	 * present, not-present, not-mapped, swap, migration, ...,
	 * device-exclusive (the longest); "" when missing
	 */
	char kind[24];
	char at_level[8];	/* not-present: where the walk stopped */
	int has_pfn, has_paddr, has_type, has_offset;
	uint64_t pfn, paddr, type, offset;
	char detail[160];	/* the outcome line's other fields */
};

int parse_vtop(const char *buf, size_t len, struct vtop_report *vt,
	       struct parse_err *e);

/*
 * debugfs vbuf: key=value lines. -1 for a number the module did not give
 * (modules before the mapping modes have no inserted=), "" for a missing
 * mode.
 */
struct vbuf_stats {
	int64_t size, pages, faults, mappings, opens, inserted;
	char mode[16];
};

int parse_vbuf_stats(const char *buf, size_t len, struct vbuf_stats *vs,
		     struct parse_err *e);

/*
 * /proc/mmlens/watermarks: per zone a line of counts and then one verdict
 * line per order (0 upwards): does __zone_watermark_ok() pass for that
 * order against the min, low and high mark.
 */
#define WMARK_MAX_PROT 8

enum { WM_MIN, WM_LOW, WM_HIGH, WM_N };

struct wmark_zone {
	int node;
	char name[32];
	uint64_t free, min, low, high, boost, highatomic, free_cma;
	uint64_t managed, present, spanned;
	int nprot;
	uint64_t protection[WMARK_MAX_PROT];	/* lowmem_reserve[] */
	int norders;
	unsigned char ok[FRAG_MAX_ORDERS];	/* 1 << WM_* when it passes */
};

struct wmark_info {
	size_t nzones;
	struct wmark_zone *zones;
};

int parse_watermarks(const char *buf, size_t len, struct wmark_info *wi,
		     struct parse_err *e);
void wmark_info_free(struct wmark_info *wi);

/*
 * /proc/mmlens/compaction: per zone the deferred-compaction state, per
 * node the proactive-compaction score, then /proc/vmstat's compact_*
 * counters. The parser leaves each node's low, high and proactive -1;
 * compact_proactive() (render.h) fills them from the sysctl and kswapd.
 */
struct compact_zone {
	int node;
	char name[32];
	uint64_t considered, defer_shift, order_failed;
	int deferred;		/* orders >= this are skipped now; -1: none */
};

struct compact_node {
	int node;
	int score;		/* 0..100 */
	int low, high;		/* kcompactd's thresholds; -1: unknown */
	int proactive;		/* 1 yes, 0 no, -1 unknown */
};

struct compact_counter {
	char name[48];
	uint64_t value;
};

struct compact_info {
	size_t nzones, nnodes, ncounters;
	struct compact_zone *zones;
	struct compact_node *nodes;
	struct compact_counter *counters;
};

int parse_compaction(const char *buf, size_t len, struct compact_info *ci,
		     struct parse_err *e);
void compact_info_free(struct compact_info *ci);
const struct compact_counter *compact_counter(const struct compact_info *ci,
					      const char *name);

/*
 * /proc/mmlens/pageblocks: per zone a header and runs of consecutive
 * pageblocks with the same migratetype, free pages per block and largest
 * free order. x86-64: a pageblock is 512 pages (2 MiB).
 */
#define PB_PAGES 512

enum { MT_UNMOVABLE, MT_MOVABLE, MT_RECLAIMABLE, MT_HIGHATOMIC, MT_CMA,
	MT_ISOLATE, MT_N };
extern const char *const mt_names[MT_N];

struct pb_run {
	uint64_t pfn, blocks;
	int type;		/* MT_* */
	unsigned int free;	/* free pages in each block, 0..PB_PAGES */
	int largest;		/* largest free order, -1 when free is 0 */
};

struct pb_zone {
	int node;
	char name[32];
	size_t nruns;
	struct pb_run *runs;
};

struct pb_info {
	size_t nzones;
	struct pb_zone *zones;
};

int parse_pageblocks(const char *buf, size_t len, struct pb_info *pi,
		     struct parse_err *e);
void pb_info_free(struct pb_info *pi);

/*
 * /proc/mmlens/pagetypeinfo, the kernel's /proc/pagetypeinfo format: per
 * node a header, free blocks per zone, migratetype and order, then
 * pageblocks per zone and migratetype. The kernel stops counting a free
 * list at 100000 and prints ">100000": such a cell holds 100000 and its
 * bit in capped[] is set. Migratetypes this tool does not know are
 * skipped.
 */
#define PTI_CAP 100000

struct pti_zone {
	int node;
	char name[32];
	int norders;
	unsigned int types;		/* 1 << MT_*: a free-count row seen */
	uint64_t free[MT_N][FRAG_MAX_ORDERS];
	uint32_t capped[MT_N];		/* 1 << order: ">100000" */
	unsigned int block_types;	/* 1 << MT_*: a block count seen */
	uint64_t blocks[MT_N];
};

struct pti_info {
	size_t nzones;
	struct pti_zone *zones;
};

int parse_pagetypeinfo(const char *buf, size_t len, struct pti_info *pi,
		       struct parse_err *e);
void pti_info_free(struct pti_info *pi);

/*
 * numa: one line per VMA: its range, its memory policy as numa_maps
 * prints it (may hold spaces) and its pages per node with pages, nodes
 * in increasing order.
 */
#define NUMA_POLICY_MAX 64
#define NUMA_MAX_NODE 1023	/* MAX_NUMNODES - 1 with NODES_SHIFT=10 */

struct numa_count {
	int node;
	uint64_t pages;		/* 4 KiB pages; huge pages in hugetlb VMAs */
};

struct numa_vma {
	uint64_t start, end;
	char policy[NUMA_POLICY_MAX];
	size_t nnodes;
	struct numa_count *nodes;
};

struct numa_list {
	size_t n;
	struct numa_vma *v;
};

int parse_numa(const char *buf, size_t len, struct numa_list *nl,
	       struct parse_err *e);
void numa_list_free(struct numa_list *nl);
/* The pages of @node in @v: 0 when the line does not list it. */
uint64_t numa_vma_pages(const struct numa_vma *v, int node);

#endif /* MMLENS_PARSE_H */
