// SPDX-License-Identifier: GPL-2.0
/*
 * numa_check - the numa report against /proc/PID/numa_maps.
 *
 * A child places pages with every kind of memory policy (raw mbind,
 * set_mempolicy and move_pages: libc only): a task policy and VMAs
 * without one, interleave, bind (and bind=static), preferred, preferred
 * many, local, weighted interleave where the kernel has it, a THP region,
 * hugetlb regions when huge pages are free, a MAP_SHARED anonymous
 * (shmem) region with two shared policies, zero-page reads, and pages
 * moved between nodes by move_pages, which it keeps doing (the mover)
 * until killed. The parent stops it (SIGSTOP: nothing of ours moves a
 * page then) a few times and compares, for every VMA, the report's
 * policy text and N<node>= counts with numa_maps, and the two VMA sets.
 * The debugfs and /proc/mmlens copies of the report must be equal.
 * Checks that need two nodes with memory are skipped, with the reason,
 * on one; the equality checks run on whatever there is.
 *
 *   numa_check [ROUNDS]   prints "TAP ..." lines, ends "TAP # numa_check: done"
 *   numa_check hold       builds the workload without the mover, prints
 *                         "ready PID" (the process holding it) and waits
 *                         for it to be killed (fixture capture, t_numa.sh)
 *
 * The module's report is parsed by ../parse.c, as the tool parses it;
 * numa_maps and maps, the oracle, by this file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <linux/mempolicy.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../parse.h"
#include "tap.h"
#include "thp.h"

#define LABEL "numa"
#define DBG "/sys/kernel/debug/mmlens/numa"
#define PROCF "/proc/mmlens/numa"
#define PG 4096UL
#define HPMD (2UL << 20)
#define NPAGES 64
#define MAXNODE 64
#define HUGE2M "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/free_hugepages"

#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#define MPOL_WEIGHTED_INTERLEAVE_ 6	/* 6.9 */
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif

/* The regions the child builds: the parent finds them by address. */
enum region {
	R_TASK, R_BIND, R_BIND_STATIC, R_INTERLEAVE, R_PREFER, R_PREFER_MANY,
	R_LOCAL, R_WEIGHTED, R_THP, R_HUGE2M, R_HUGE1G, R_SHM, R_SHM2, R_ZERO,
	R_MOVED, R_PROTNONE, R_N
};

static const char *const region_name[R_N] = {
	"task policy", "bind", "bind=static", "interleave", "prefer",
	"prefer (many)", "local", "weighted interleave", "THP", "hugetlb 2M",
	"hugetlb 1G", "shmem", "shmem second policy", "zero page", "moved",
	"PROT_NONE",
};

struct shared {
	uintptr_t addr[R_N];
	size_t len[R_N];
	const char *why[R_N];	/* why the region is missing */
};

static struct shared *sh;
static int no_mover;
static int nodes[MAXNODE], nnodes;	/* nodes with memory */

static long mbind_(void *a, size_t len, int mode, unsigned long mask,
		   unsigned int flags)
{
	return syscall(SYS_mbind, a, len, mode, &mask, MAXNODE + 1, flags);
}

static long set_mempolicy_(int mode, unsigned long mask)
{
	return syscall(SYS_set_mempolicy, mode, &mask, MAXNODE + 1);
}

static unsigned long mask_of(int n)
{
	return 1UL << n;
}

/* Every node with memory; with one node, that node. */
static unsigned long all_mask(void)
{
	unsigned long m = 0;
	int i;

	for (i = 0; i < nnodes; i++)
		m |= mask_of(nodes[i]);
	return m;
}

/* The second node with memory, or the only one. */
static int other_node(void)
{
	return nodes[nnodes > 1 ? 1 : 0];
}

/* /sys/devices/system/node/has_memory: "0" or "0-1" or "0,2-3". */
static int read_nodes(void)
{
	char buf[256], *p = buf;
	FILE *f = fopen("/sys/devices/system/node/has_memory", "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		nodes[nnodes++] = 0;	/* no NUMA sysfs: node 0 */
		return 0;
	}
	fclose(f);
	while (*p && *p != '\n') {
		long a = strtol(p, &p, 10), b = a;

		if (*p == '-')
			b = strtol(p + 1, &p, 10);
		for (; a <= b && nnodes < MAXNODE && a < MAXNODE; a++)
			nodes[nnodes++] = (int)a;
		if (*p == ',')
			p++;
	}
	return nnodes ? 0 : -1;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PG)
		p[i] = 1;
}

/*
 * A private anonymous region between two PROT_NONE guard pages: regions
 * without a policy of their own would otherwise merge into one VMA with
 * their neighbours. Hugetlb VMAs never merge with anonymous ones.
 */
static void *map_prot(size_t len, int prot, int flags)
{
	char *p;

	if (flags & MAP_HUGETLB) {
		p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags,
			 -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, len + 2 * PG, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + PG, len, prot))
		return NULL;
	return p + PG;
}

static void *map(size_t len, int flags)
{
	return map_prot(len, PROT_READ | PROT_WRITE, flags);
}

/* Region r is [p, p + len), touched: where the parent looks for it. */
static void region_touched(enum region r, char *p, size_t len)
{
	touch(p, len);
	sh->addr[r] = (uintptr_t)p;
	sh->len[r] = len;
}

/* An anonymous region with a policy of its own, touched. */
static void region_mbind(enum region r, int mode, unsigned long mask)
{
	size_t len = NPAGES * PG;
	char *p = map(len, 0);

	if (!p) {
		sh->why[r] = "mmap failed";
		return;
	}
	if (mbind_(p, len, mode, mask, 0)) {
		sh->why[r] = errno == EINVAL ? "mbind: EINVAL (mode unknown to this kernel)" :
			"mbind failed";
		munmap(p, len);
		return;
	}
	region_touched(r, p, len);
}

/* 2 MiB-aligned THP region bound to the other node. */
static void region_thp(void)
{
	size_t len = 2 * HPMD;
	char *raw = map(len + HPMD, 0), *p;

	if (!raw) {
		sh->why[R_THP] = "mmap failed";
		return;
	}
	p = (char *)(((uintptr_t)raw + HPMD - 1) & ~(HPMD - 1));
	if (!thp_supported()) {
		sh->why[R_THP] = "kernel without THP (CONFIG_TRANSPARENT_HUGEPAGE=n)";
		return;
	}
	if (madvise(p, len, MADV_HUGEPAGE) ||
	    mbind_(p, len, MPOL_BIND, mask_of(other_node()), 0)) {
		sh->why[R_THP] = "madvise/mbind failed";
		return;
	}
	region_touched(R_THP, p, len);
}

/* One 2 MiB huge page per node, interleaved, if each node has one free. */
static void region_huge2m(void)
{
	char path[128];
	size_t len = nnodes * HPMD;
	char *p;
	int i;

	for (i = 0; i < nnodes; i++) {
		snprintf(path, sizeof(path), HUGE2M, nodes[i]);
		if (read_long(path) < 1) {
			sh->why[R_HUGE2M] = "no free 2 MiB huge page on every node";
			return;
		}
	}
	p = map(len, MAP_HUGETLB | 21 << MAP_HUGE_SHIFT);
	if (!p) {
		sh->why[R_HUGE2M] = "MAP_HUGETLB mmap failed";
		return;
	}
	if (mbind_(p, len, MPOL_INTERLEAVE, all_mask(), 0)) {
		sh->why[R_HUGE2M] = "mbind failed";
		return;
	}
	region_touched(R_HUGE2M, p, len);
}

/* The boot-time 1 GiB page of the two-node cells, if it is free. */
static void region_huge1g(void)
{
	size_t len = 1UL << 30;
	char *p;

	if (read_long("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages") < 1) {
		sh->why[R_HUGE1G] = "no free 1 GiB huge page";
		return;
	}
	p = map(len, MAP_HUGETLB | 30 << MAP_HUGE_SHIFT);
	if (!p) {
		sh->why[R_HUGE1G] = "MAP_HUGETLB 1 GiB mmap failed";
		return;
	}
	p[0] = 1;
	sh->addr[R_HUGE1G] = (uintptr_t)p;
	sh->len[R_HUGE1G] = len;
}

/*
 * MAP_SHARED anonymous memory is shmem: mbind sets the object's shared
 * policy (vm_ops->set_policy), which numa_maps reads back through
 * vm_ops->get_policy. Two halves with two policies split the VMA.
 */
static void region_shm(void)
{
	size_t len = 2 * NPAGES * PG, half = len / 2;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		sh->why[R_SHM] = sh->why[R_SHM2] = "mmap failed";
		return;
	}
	if (mbind_(p, half, MPOL_INTERLEAVE, all_mask(), 0) ||
	    mbind_(p + half, half, MPOL_BIND, mask_of(other_node()), 0)) {
		sh->why[R_SHM] = sh->why[R_SHM2] = "mbind failed";
		return;
	}
	touch(p, len);
	sh->addr[R_SHM] = (uintptr_t)p;
	sh->len[R_SHM] = half;
	sh->addr[R_SHM2] = (uintptr_t)p + half;
	sh->len[R_SHM2] = half;
}

/* Read faults map the shared zero page: not counted by numa_maps. */
static void region_zero(void)
{
	size_t len = NPAGES * PG, i;
	volatile char *p = map_prot(len, PROT_READ, 0);
	char sum = 0;

	if (!p) {
		sh->why[R_ZERO] = "mmap failed";
		return;
	}
	for (i = 0; i < len; i += PG)
		sum += p[i];
	(void)sum;
	sh->addr[R_ZERO] = (uintptr_t)p;
	sh->len[R_ZERO] = len;
}

/* move_pages: page i to node i % 2 (of the nodes with memory). */
static int move_round(char *p, int shift)
{
	void *pages[NPAGES];
	int node[NPAGES], status[NPAGES], i;

	for (i = 0; i < NPAGES; i++) {
		pages[i] = p + i * PG;
		node[i] = nodes[(i + shift) % nnodes];
	}
	return syscall(SYS_move_pages, 0, NPAGES, pages, node, status,
		       MPOL_MF_MOVE) < 0 ? -1 : 0;
}

static void child(int ready_fd)
{
	char *moved;
	int shift = 0;

	/* a task policy while the first region faults in, then another */
	set_mempolicy_(MPOL_INTERLEAVE, all_mask());
	moved = map(NPAGES * PG, 0);
	if (moved)
		touch(moved, NPAGES * PG);
	sh->addr[R_TASK] = (uintptr_t)moved;
	sh->len[R_TASK] = moved ? NPAGES * PG : 0;
	set_mempolicy_(MPOL_DEFAULT, 0);

	region_mbind(R_BIND, MPOL_BIND, mask_of(other_node()));
	region_mbind(R_BIND_STATIC, MPOL_BIND | MPOL_F_STATIC_NODES,
		     mask_of(other_node()));
	region_mbind(R_INTERLEAVE, MPOL_INTERLEAVE, all_mask());
	region_mbind(R_PREFER, MPOL_PREFERRED, mask_of(other_node()));
	region_mbind(R_PREFER_MANY, MPOL_PREFERRED_MANY, all_mask());
	region_mbind(R_LOCAL, MPOL_LOCAL, 0);
	region_mbind(R_WEIGHTED, MPOL_WEIGHTED_INTERLEAVE_, all_mask());
	/*
	 * Touched, then PROT_NONE: numa_maps still counts the pages, whose
	 * ptes hold the frame inverted (L1TF), as NUMA balancing's do.
	 */
	region_mbind(R_PROTNONE, MPOL_BIND, mask_of(other_node()));
	if (sh->addr[R_PROTNONE] &&
	    mprotect((void *)sh->addr[R_PROTNONE], sh->len[R_PROTNONE],
		     PROT_NONE)) {
		sh->why[R_PROTNONE] = "mprotect failed";
		sh->addr[R_PROTNONE] = 0;
	}
	region_thp();
	region_huge2m();
	region_huge1g();
	region_shm();
	region_zero();

	moved = map(NPAGES * PG, 0);
	if (moved) {
		touch(moved, NPAGES * PG);
		if (move_round(moved, 0))
			sh->why[R_MOVED] = "move_pages failed";
		sh->addr[R_MOVED] = (uintptr_t)moved;
		sh->len[R_MOVED] = NPAGES * PG;
	} else {
		sh->why[R_MOVED] = "mmap failed";
	}
	/* VMAs without a policy of their own now show this one */
	set_mempolicy_(MPOL_PREFERRED, mask_of(other_node()));
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	/* the mover: until killed; the parent stops it to compare */
	for (;;) {
		if (moved && !no_mover)
			move_round(moved, ++shift);
		usleep(2000);
	}
}

static char *slurp_fd(int fd, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (!buf)
		return NULL;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static char *slurp(const char *path, size_t *lenp)
{
	int fd = open(path, O_RDONLY);
	char *b;

	if (fd < 0)
		return NULL;
	b = slurp_fd(fd, lenp);
	close(fd);
	return b;
}

/* The numa report of @pid through FILE: write the pid on the fd, read. */
static char *report(const char *file, pid_t pid, size_t *lenp)
{
	char in[16];
	int fd = open(file, O_RDWR), n;
	char *b = NULL;

	if (fd < 0)
		return NULL;
	n = snprintf(in, sizeof(in), "%d", pid);
	if (write(fd, in, n) == n && lseek(fd, 0, SEEK_SET) == 0)
		b = slurp_fd(fd, lenp);
	close(fd);
	return b;
}

/* One line of numa_maps: its start, policy and N<node>= counts. */
struct nm_vma {
	uint64_t start;
	char policy[NUMA_POLICY_MAX];
	uint64_t pages[MAXNODE];
	int huge;
};

/* The words numa_maps writes after the policy (task_mmu.c). */
static int nm_after_policy(const char *w)
{
	static const char *const keys[] = {
		"file=", "anon=", "dirty=", "mapped=", "mapmax=", "swapcache=",
		"active=", "writeback=", "kernelpagesize_kB=",
	};
	size_t i;

	if (!strcmp(w, "heap") || !strcmp(w, "stack") || !strcmp(w, "huge"))
		return 1;
	if (w[0] == 'N' && w[1] >= '0' && w[1] <= '9' && strchr(w, '='))
		return 1;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strncmp(w, keys[i], strlen(keys[i])))
			return 1;
	return 0;
}

static int parse_numa_maps(char *buf, struct nm_vma **out, size_t *np)
{
	size_t n = 0, cap = 0;
	struct nm_vma *v = NULL, *nv;
	char *line, *save = NULL;

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *w, *ws = NULL;
		struct nm_vma *m;
		int in_policy = 1;

		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -1;
			}
			v = nv;
		}
		m = &v[n++];
		memset(m, 0, sizeof(*m));
		w = strtok_r(line, " ", &ws);
		if (!w || sscanf(w, "%" SCNx64, &m->start) != 1) {
			free(v);
			return -1;
		}
		while ((w = strtok_r(NULL, " ", &ws))) {
			int node;
			uint64_t c;

			if (in_policy && !nm_after_policy(w)) {
				if (m->policy[0])
					strncat(m->policy, " ",
						sizeof(m->policy) - strlen(m->policy) - 1);
				strncat(m->policy, w,
					sizeof(m->policy) - strlen(m->policy) - 1);
				continue;
			}
			in_policy = 0;
			if (!strcmp(w, "huge"))
				m->huge = 1;
			if (sscanf(w, "N%d=%" SCNu64, &node, &c) == 2 &&
			    node >= 0 && node < MAXNODE)
				m->pages[node] = c;
		}
	}
	*out = v;
	*np = n;
	return 0;
}

/* /proc/PID/maps: the ends of the VMAs, by start. */
static int maps_end(pid_t pid, uint64_t start, uint64_t *end)
{
	char path[64], line[512];
	uint64_t s, e;
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &s, &e) == 2 &&
		    s == start) {
			*end = e;
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

/* The report's line for the VMA that holds @addr. */
static const struct numa_vma *find_vma(const struct numa_list *nl,
				       uintptr_t addr)
{
	size_t i;

	for (i = 0; i < nl->n; i++)
		if (nl->v[i].start <= addr && addr < nl->v[i].end)
			return &nl->v[i];
	return NULL;
}

static uint64_t total(const struct numa_vma *v)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < v->nnodes; i++)
		t += v->nodes[i].pages;
	return t;
}

/*
 * A consistent pair: the report read before and after numa_maps is the
 * same (nothing moved meanwhile: khugepaged, reclaim...), up to 5 tries.
 */
static int snapshot(pid_t pid, char **rep, size_t *rlen, char **nm)
{
	char path[64];
	size_t l2, nlen;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	for (i = 0; i < 5; i++) {
		char *again;

		*rep = report(DBG, pid, rlen);
		*nm = slurp(path, &nlen);
		again = report(DBG, pid, &l2);
		if (*rep && *nm && again && l2 == *rlen &&
		    !memcmp(again, *rep, l2)) {
			free(again);
			return 0;
		}
		free(*rep);
		free(*nm);
		free(again);
		usleep(100000);
	}
	return -1;
}

static void compare(pid_t pid, const struct numa_list *nl,
		    const struct nm_vma *nm, size_t nn, int round)
{
	struct check sets = { .name = "VMA sets equal numa_maps's" };
	struct check pol = { .name = "policies equal numa_maps's" };
	struct check cnt = { .name = "N<node>= counts equal numa_maps's" };
	struct check ends = { .name = "VMA ends equal maps's" };
	char label[32];
	size_t i, j;
	int k;

	snprintf(label, sizeof(label), LABEL ": round %d", round);
	sets.used = pol.used = cnt.used = ends.used = 1;
	if (nl->n != nn)
		cfail(&sets, "report %zu VMAs, numa_maps %zu", nl->n, nn);
	for (i = 0, j = 0; i < nl->n && j < nn; i++, j++) {
		const struct numa_vma *v = &nl->v[i];
		uint64_t e;

		if (v->start != nm[j].start) {
			cfail(&sets, "VMA %zu: report %" PRIx64 ", numa_maps %" PRIx64,
			      i, v->start, nm[j].start);
			break;
		}
		sets.n++;
		if (!maps_end(pid, v->start, &e) || e != v->end)
			cfail(&ends, "%" PRIx64 ": end %" PRIx64 " not in maps",
			      v->start, v->end);
		ends.n++;
		if (strcmp(v->policy, nm[j].policy))
			cfail(&pol, "%" PRIx64 ": '%s' vs numa_maps '%s'",
			      v->start, v->policy, nm[j].policy);
		pol.n++;
		for (k = 0; k < MAXNODE; k++) {
			uint64_t ours = numa_vma_pages(v, k);

			if (ours != nm[j].pages[k])
				cfail(&cnt, "%" PRIx64 " N%d: %" PRIu64
				      " vs numa_maps %" PRIu64, v->start, k,
				      ours, nm[j].pages[k]);
		}
		for (k = 0; k < (int)v->nnodes; k++)
			if (v->nodes[k].node >= MAXNODE)
				cfail(&cnt, "%" PRIx64 ": node %d", v->start,
				      v->nodes[k].node);
		cnt.n++;
	}
	cprint(&sets, label);
	cprint(&ends, label);
	cprint(&pol, label);
	cprint(&cnt, label);
}

/* AnonHugePages of the VMA starting at @start in /proc/PID/smaps, kB. */
static long smaps_thp_kb(pid_t pid, uint64_t start)
{
	char path[64], line[512];
	uint64_t s, e;
	long kb = -1;
	int in = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* field names ("AnonHugePages:") never parse as a range */
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &s, &e) == 2)
			in = s == start;
		else if (in && sscanf(line, "AnonHugePages: %ld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/*
 * Where each region's pages must be, beyond equality with numa_maps:
 * the total always; how they spread over nodes only with two nodes.
 */
static void expect_region(pid_t pid, const struct numa_list *nl, int r)
{
	const char *one = nnodes > 1 ? NULL : "one node with memory";
	uint64_t want = NPAGES, t, on_o, on_a;
	const struct numa_vma *v;
	int o = other_node(), a = nodes[0], spread;
	char name[96];

	snprintf(name, sizeof(name), "region %s is in the report",
		 region_name[r]);
	if (!sh->addr[r]) {
		skip(LABEL, name, sh->why[r] ? sh->why[r] : "not built");
		return;
	}
	v = find_vma(nl, sh->addr[r]);
	if (!resultf(!!v, LABEL, name, "no VMA holds %lx",
		     (unsigned long)sh->addr[r]))
		return;
	t = total(v);
	on_o = numa_vma_pages(v, o);
	on_a = numa_vma_pages(v, a);
	switch (r) {
	case R_BIND: case R_BIND_STATIC: case R_PREFER: case R_SHM2:
	case R_PROTNONE:
		spread = on_o == t;		/* all on the other node */
		break;
	case R_TASK: case R_INTERLEAVE: case R_SHM: case R_WEIGHTED:
	case R_MOVED:
		spread = on_o && on_a;		/* on both nodes */
		break;
	case R_THP:
		want = 1024;
		spread = on_o == t;
		if (smaps_thp_kb(pid, v->start) <= 0) {
			snprintf(name, sizeof(name), "region %s: PMD-mapped",
				 region_name[r]);
			skip(LABEL, name, "no THP allocated at fault");
		}
		break;
	case R_HUGE2M:
		want = nnodes;			/* counted in huge pages */
		spread = on_o == 1 && on_a == 1;
		break;
	case R_HUGE1G:
		want = 1;
		spread = -1;
		break;
	case R_ZERO:
		want = 0;			/* the zero page is not counted */
		spread = -1;
		break;
	default:				/* prefer many, local */
		spread = -1;
	}
	snprintf(name, sizeof(name), "region %s: %" PRIu64 " pages counted",
		 region_name[r], want);
	resultf(t == want, LABEL, name, "%s: %" PRIu64 " (%s)", region_name[r],
		t, v->policy);
	if (spread < 0)
		return;
	snprintf(name, sizeof(name), "region %s: on the nodes its policy names",
		 region_name[r]);
	if (one)
		skip(LABEL, name, one);
	else
		resultf(spread, LABEL, name, "N%d=%" PRIu64 " N%d=%" PRIu64
			" (%s)", a, on_a, o, on_o, v->policy);
}

/* The report as diagnostics, for the log. */
static void diag_report(const char *rep)
{
	const char *p = rep, *nl;

	while (*p && (nl = strchr(p, '\n'))) {
		diag("  %.*s", (int)(nl - p), p);
		p = nl + 1;
	}
}

static int stop(pid_t pid)
{
	int st;

	if (kill(pid, SIGSTOP) || waitpid(pid, &st, WUNTRACED) != pid ||
	    !WIFSTOPPED(st))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = 3, p[2], round;
	char *rep = NULL, *nmbuf = NULL, c;
	struct parse_err e = { 0 };
	size_t rlen;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "hold"))
		no_mover = 1;
	else if (argc > 1)
		rounds = atoi(argv[1]);
	tap_prefix = "TAP ";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (read_nodes()) {
		result(0, LABEL, "nodes with memory read");
		return 1;
	}
	diag("numa_check: %d node(s) with memory", nnodes);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pipe(p))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(p[1]);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		result(0, LABEL, "workload built");
		return 1;
	}
	if (no_mover) {
		printf("ready %d\n", pid);
		waitpid(pid, NULL, 0);
		return 0;
	}
	result(1, LABEL, "workload built");

	for (round = 1; round <= rounds; round++) {
		struct numa_list nl = { 0 };
		struct nm_vma *nm = NULL;
		size_t nn = 0, plen;
		char *prep, name[64];
		int r;

		usleep(200000);		/* let the mover move */
		snprintf(name, sizeof(name), "round %d: mover stopped", round);
		if (!resultf(!stop(pid), LABEL, name, "SIGSTOP failed"))
			break;
		snprintf(name, sizeof(name), "round %d: report and numa_maps read",
			 round);
		if (!resultf(!snapshot(pid, &rep, &rlen, &nmbuf), LABEL, name,
			     "no two equal reads in 5 tries"))
			break;
		snprintf(name, sizeof(name), "round %d: report parses", round);
		resultf(!parse_numa(rep, rlen, &nl, &e), LABEL, name,
			"line %u: %s", e.line, e.msg);
		prep = report(PROCF, pid, &plen);
		snprintf(name, sizeof(name), "round %d: " PROCF " equals debugfs",
			 round);
		resultf(prep && plen == rlen && !memcmp(prep, rep, rlen),
			LABEL, name, "%s", prep ? "differ" : "unreadable");
		if (!parse_numa_maps(nmbuf, &nm, &nn))
			compare(pid, &nl, nm, nn, round);
		else
			result(0, LABEL, "numa_maps parses");
		if (round == 1)
			diag_report(rep);
		for (r = 0; round == 1 && r < R_N; r++)
			expect_region(pid, &nl, r);
		free(prep);
		free(nm);
		free(rep);
		free(nmbuf);
		numa_list_free(&nl);
		kill(pid, SIGCONT);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	diag("numa_check: done");
	return failures ? 1 : 0;
}
