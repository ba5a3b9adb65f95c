// SPDX-License-Identifier: GPL-2.0
/*
 * pt_oracle.c - the kernel's views of a process that pt_check trusts:
 * /proc/PID/maps, smaps and pagemap (pt_oracle.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt_oracle.h"

/* ------------------------------------------------------------- files */

char *slurp_fd(int fd, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - len < 4097) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *b;
	int e;

	if (fd < 0)
		return NULL;
	b = slurp_fd(fd, NULL);
	e = errno;
	close(fd);
	errno = e;
	return b;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* ------------------------------------------------- maps and smaps */

static int add_vma(struct vmas *vs, const struct vma *v)
{
	struct vma *nv = realloc(vs->v, (vs->n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	vs->v = nv;
	vs->v[vs->n++] = *v;
	return 0;
}

static int parse_maps(char *buf, struct vmas *vs)
{
	char *p = buf, *l;

	while ((l = next_line(&p))) {
		struct vma v = { 0 };
		int off = 0;

		if (sscanf(l, "%lx-%lx %7s %lx %*s %*s%n", &v.start, &v.end,
			   v.perms, &v.pgoff, &off) < 4 || !off)
			return -1;
		v.name = strdup(l + off);
		if (!v.name)
			return -1;
		trim(v.name);
		if (add_vma(vs, &v)) {
			free(v.name);
			return -1;
		}
	}
	return 0;
}

static void parse_smaps(char *buf, struct vmas *vs)
{
	char *p = buf, *l;
	struct vma *cur = NULL;
	unsigned long s, e;
	long kb;
	int i;

	while ((l = next_line(&p))) {
		if (sscanf(l, "%lx-%lx ", &s, &e) == 2) {
			cur = NULL;
			for (i = 0; i < vs->n; i++)
				if (vs->v[i].start == s)
					cur = &vs->v[i];
			continue;
		}
		if (!cur)
			continue;
		if (sscanf(l, "AnonHugePages: %ld", &kb) == 1)
			cur->anonhuge = kb;
		else if (sscanf(l, "ShmemPmdMapped: %ld", &kb) == 1)
			cur->shmempmd = kb;
		else if (sscanf(l, "FilePmdMapped: %ld", &kb) == 1)
			cur->filepmd = kb;
		else if (sscanf(l, "Private_Hugetlb: %ld", &kb) == 1)
			cur->hugetlb += kb;
		else if (sscanf(l, "Shared_Hugetlb: %ld", &kb) == 1)
			cur->hugetlb += kb;
		else if (sscanf(l, "KernelPageSize: %ld", &kb) == 1)
			cur->kps = kb;
		else if (!strncmp(l, "VmFlags:", 8)) {
			cur->pfnmap = !!strstr(l, " pf");
			cur->softdirty = !!strstr(l, " sd");
		}
	}
}

int maps_read(int pid, int with_smaps, struct vmas *vs)
{
	char path[64], *maps, *smaps = NULL;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = slurp(path);
	if (with_smaps) {
		snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
		smaps = slurp(path);
	}
	if (maps && (smaps || !with_smaps) && !parse_maps(maps, vs)) {
		if (smaps)
			parse_smaps(smaps, vs);
		ret = 0;
	}
	free(maps);
	free(smaps);
	return ret;
}

void vmas_free(struct vmas *vs)
{
	for (int i = 0; i < vs->n; i++)
		free(vs->v[i].name);
	free(vs->v);
	vs->v = NULL;
	vs->n = 0;
}

int is_gate(const struct vma *v)
{
	return !strcmp(v->name, "[vsyscall]");
}

int is_big(const struct vma *v)
{
	return v->end - v->start > BIG;
}

int find_range(const void *v, int n, size_t size, unsigned long a)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const unsigned long *r = (const unsigned long *)
			((const char *)v + (size_t)mid * size);

		if (a < r[0])
			hi = mid - 1;
		else if (a >= r[1])
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

RANGE_FIRST(struct vma);

int find_vma(const struct vmas *vs, unsigned long a)
{
	return find_range(vs->v, vs->n, sizeof(*vs->v), a);
}

/* ---------------------------------------------------------- pagemap */

int pm_pread(int fd, unsigned long a, uint64_t *out, long n)
{
	size_t want = n * 8, got = 0;

	while (got < want) {
		ssize_t r = pread(fd, (char *)out + got, want - got,
				  a / PG * 8 + got);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

int pm_one(int fd, unsigned long a, uint64_t *v)
{
	return pm_pread(fd, a & ~(PG - 1), v, 1);
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

void snap_free(struct snap *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].val);
		free(s->v[i].saddr);
		free(s->v[i].sval);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int snap_read(int fd, const struct vmas *vs, const struct span *sp, int nsp,
	      struct snap *s)
{
	s->n = vs->n;
	s->v = calloc(vs->n, sizeof(*s->v));
	if (!s->v)
		return -1;
	for (int i = 0; i < vs->n; i++) {
		const struct vma *v = &vs->v[i];
		struct pmv *p = &s->v[i];
		unsigned long np = (v->end - v->start) / PG, x = 12345 + i;
		long cap = NSAMPLE + 2, k;

		if (v->pfnmap || is_gate(v))
			continue;
		if (!is_big(v)) {
			p->val = malloc(np * 8);
			if (!p->val || pm_pread(fd, v->start, p->val, np))
				return -1;
			continue;
		}
		for (k = 0; k < nsp; k++)
			if (sp[k].end > v->start && sp[k].start < v->end)
				cap += (sp[k].end - sp[k].start) / PG;
		if (cap > NSAMPLE + 2 + (1 << 20))
			cap = NSAMPLE + 2 + (1 << 20);
		p->saddr = malloc(cap * sizeof(long));
		p->sval = malloc(cap * 8);
		if (!p->saddr || !p->sval)
			return -1;
		p->saddr[p->ns++] = v->start;
		p->saddr[p->ns++] = v->end - PG;
		for (k = 0; k < NSAMPLE; k++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			p->saddr[p->ns++] = v->start + (x >> 11) % np * PG;
		}
		for (k = 0; k < nsp; k++) {
			unsigned long a = sp[k].start > v->start ? sp[k].start :
								   v->start;
			unsigned long e = sp[k].end < v->end ? sp[k].end : v->end;

			for (; a < e && p->ns < cap; a += PG)
				p->saddr[p->ns++] = a;
		}
		qsort(p->saddr, p->ns, sizeof(long), cmp_ul);
		for (k = 0; k < p->ns; k++)
			if (pm_pread(fd, p->saddr[k], &p->sval[k], 1))
				return -1;
	}
	return 0;
}

int snap_share_big(struct snap *a, const struct snap *b)
{
	for (int i = 0; i < a->n && i < b->n; i++) {
		struct pmv *p = &a->v[i];
		const struct pmv *q = &b->v[i];

		if (!q->saddr)
			continue;
		free(p->saddr);
		free(p->sval);
		p->ns = q->ns;
		p->saddr = malloc(q->ns * sizeof(long));
		p->sval = malloc(q->ns * 8);
		if (!p->saddr || !p->sval)
			return -1;
		memcpy(p->saddr, q->saddr, q->ns * sizeof(long));
		memcpy(p->sval, q->sval, q->ns * 8);
	}
	return 0;
}

int snap_get(const struct snap *s, const struct vmas *vs, int vi,
	     unsigned long a, uint64_t *out)
{
	const struct pmv *p = &s->v[vi];
	long lo = 0, hi = p->ns - 1;

	if (p->val) {
		*out = p->val[(a - vs->v[vi].start) / PG];
		return 1;
	}
	while (lo <= hi) {
		long mid = (lo + hi) / 2;

		if (p->saddr[mid] == a) {
			*out = p->sval[mid];
			return 1;
		}
		if (p->saddr[mid] < a)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}
