// SPDX-License-Identifier: GPL-2.0
/*
 * fragcheck - check /proc/mmlens/fraginfo against itself and against
 * /proc/buddyinfo.
 *
 * 1. Internal consistency: within a zone, nr_free per order determines
 *    every other field (mm/vmstat.c fill_contig_page_info and the index
 *    formulas); recompute each and compare.
 * 2. nr_free per order equals /proc/buddyinfo, read just before or just
 *    after fraginfo (the counts move; retry a bounded number of times).
 *
 * Usage: fragcheck [FRAGINFO [BUDDYINFO]]. Exit 0 when both hold.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONES 64
#define MAX_ORDERS 16
#define TRIES 50

struct zone {
	int node;
	char name[32];
	int norders;
	unsigned long nr_free[MAX_ORDERS];
	/* fields as printed, per order */
	unsigned long free_pages[MAX_ORDERS], total[MAX_ORDERS],
		suitable[MAX_ORDERS];
	long extfrag[MAX_ORDERS], unusable[MAX_ORDERS];
};

struct snap {
	int nzones;
	struct zone z[MAX_ZONES];
};

static struct zone *find_zone(struct snap *s, int node, const char *name)
{
	int i;

	for (i = 0; i < s->nzones; i++)
		if (s->z[i].node == node && !strcmp(s->z[i].name, name))
			return &s->z[i];
	if (s->nzones == MAX_ZONES)
		return NULL;
	s->z[s->nzones].node = node;
	snprintf(s->z[s->nzones].name, sizeof(s->z[0].name), "%s", name);
	s->z[s->nzones].norders = 0;
	return &s->z[s->nzones++];
}

/* path opened to read into s, emptied; NULL (perror said why) if not. */
static FILE *open_snap(const char *path, struct snap *s)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return NULL;
	}
	s->nzones = 0;
	return f;
}

static int read_fraginfo(const char *path, struct snap *s)
{
	char line[512], name[32];
	unsigned long nr, fp, tot, suit;
	int node, order, n;
	long ef, un;
	FILE *f = open_snap(path, s);
	struct zone *z;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		n = sscanf(line,
			   "node=%d zone=%31s order=%d nr_free=%lu free_pages=%lu free_blocks_total=%lu free_blocks_suitable=%lu extfrag=%ld unusable=%ld",
			   &node, name, &order, &nr, &fp, &tot, &suit, &ef, &un);
		if (n != 9 || order < 0 || order >= MAX_ORDERS) {
			fprintf(stderr, "fraginfo: bad line: %s", line);
			fclose(f);
			return -1;
		}
		z = find_zone(s, node, name);
		if (!z || order != z->norders) {
			fprintf(stderr, "fraginfo: order out of sequence: %s",
				line);
			fclose(f);
			return -1;
		}
		z->nr_free[order] = nr;
		z->free_pages[order] = fp;
		z->total[order] = tot;
		z->suitable[order] = suit;
		z->extfrag[order] = ef;
		z->unusable[order] = un;
		z->norders++;
	}
	fclose(f);
	return s->nzones ? 0 : -1;
}

static int read_buddyinfo(const char *path, struct snap *s)
{
	char line[1024], name[32], *p, *end;
	int node, off;
	FILE *f = open_snap(path, s);
	struct zone *z;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone %31s%n", &node, name, &off) != 2)
			continue;
		z = find_zone(s, node, name);
		if (!z)
			break;
		for (p = line + off; z->norders < MAX_ORDERS; p = end) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			z->nr_free[z->norders++] = v;
		}
	}
	fclose(f);
	return 0;
}

/* The kernel's formulas, with the kernel's integer types. */
static int check_zone(const struct zone *z)
{
	uint64_t pages = 0, blocks = 0;
	int o, k, bad = 0;

	for (o = 0; o < z->norders; o++) {
		blocks += z->nr_free[o];
		pages += (uint64_t)z->nr_free[o] << o;
	}
	for (o = 0; o < z->norders; o++) {
		uint64_t suit = 0, req = 1ULL << o;
		int ef, un;

		for (k = o; k < z->norders; k++)
			suit += (uint64_t)z->nr_free[k] << (k - o);
		if (!blocks)
			ef = 0;
		else if (suit)
			ef = -1000;
		else
			ef = (int)(1000 - (1000 + pages * 1000 / req) / blocks);
		un = pages ? (int)((pages - (suit << o)) * 1000 / pages) : 1000;
		if (z->free_pages[o] != pages || z->total[o] != blocks ||
		    z->suitable[o] != suit || z->extfrag[o] != ef ||
		    z->unusable[o] != un) {
			fprintf(stderr,
				"node %d zone %s order %d: printed %lu %lu %lu %ld %ld, recomputed %" PRIu64 " %" PRIu64 " %" PRIu64 " %d %d\n",
				z->node, z->name, o, z->free_pages[o],
				z->total[o], z->suitable[o], z->extfrag[o],
				z->unusable[o], pages, blocks, suit, ef, un);
			bad = 1;
		}
	}
	return bad;
}

static int same_counts(const struct snap *a, const struct snap *b)
{
	int i;

	if (a->nzones != b->nzones)
		return 0;
	for (i = 0; i < a->nzones; i++) {
		if (a->z[i].node != b->z[i].node ||
		    strcmp(a->z[i].name, b->z[i].name) ||
		    a->z[i].norders != b->z[i].norders ||
		    memcmp(a->z[i].nr_free, b->z[i].nr_free,
			   sizeof(a->z[i].nr_free[0]) * a->z[i].norders))
			return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *fi = argc > 1 ? argv[1] : "/proc/mmlens/fraginfo";
	const char *bi = argc > 2 ? argv[2] : "/proc/buddyinfo";
	static struct snap b1, f, b2;
	int i, try, bad = 0;

	for (try = 1; try <= TRIES; try++) {
		if (read_buddyinfo(bi, &b1) || read_fraginfo(fi, &f) ||
		    read_buddyinfo(bi, &b2))
			return 1;
		for (i = 0; i < f.nzones; i++)
			bad |= check_zone(&f.z[i]);
		if (bad) {
			fprintf(stderr, "fraginfo is inconsistent\n");
			return 1;
		}
		if (same_counts(&f, &b1) || same_counts(&f, &b2)) {
			printf("fraginfo consistent, %d zones, equal to buddyinfo on try %d\n",
			       f.nzones, try);
			return 0;
		}
	}
	fprintf(stderr, "fraginfo never equal to buddyinfo in %d tries\n",
		TRIES);
	return 1;
}
