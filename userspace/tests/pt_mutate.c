// SPDX-License-Identifier: GPL-2.0
/*
 * pt_mutate.c - planted errors for pt_check's self-test (pt_mutate.h).
 */
#include <stdlib.h>
#include <string.h>

#include "pt_mutate.h"

static const char *mutation;

const char *mutation_get(void)
{
	mutation = getenv("PT_CHECK_MUTATE");
	return mutation;
}

static int append_x(char **name)
{
	size_t n = strlen(*name);
	char *p = realloc(*name, n + 2);

	if (!p)
		return -1;
	p[n] = 'x';
	p[n + 1] = 0;
	*name = p;
	return 0;
}

void mutate(struct ctx *c)
{
	struct pt *pt = &c->pt;
	struct vma_list *mv = &c->mv;
	int i, vi;

	if (!mutation)
		return;
	for (i = 0; i < pt->n; i++) {
		struct run *r = &pt->r[i];

		vi = find_vma(&c->maps, r->start);
		if (vi < 0 || c->maps.v[vi].pfnmap)
			continue;
		if (r->kind == K_PRESENT && !strcmp(mutation, "pfn")) {
			r->first++;
			return;
		}
		if (r->kind == K_SWAP && !strcmp(mutation, "swap")) {
			r->first++;
			return;
		}
		if (r->kind == K_PRESENT && !strcmp(mutation, "nx")) {
			r->flags ^= F_NX;
			return;
		}
		if (r->kind == K_PRESENT && !strcmp(mutation, "hole")) {
			memmove(r, r + 1, (pt->n - i - 1) * sizeof(*r));
			pt->n--;
			return;
		}
		if (!strcmp(mutation, "rw"))
			r->flags &= ~F_RW;
		if (r->kind == K_PRESENT && r->entries > 1 &&
		    !strcmp(mutation, "split")) {
			struct run *nr = realloc(pt->r, (pt->n + 1) * sizeof(*nr));

			if (!nr)
				return;
			pt->r = nr;
			r = &pt->r[i];
			memmove(r + 1, r, (pt->n - i) * sizeof(*r));
			pt->n++;
			r->entries = 1;
			r->end = r->start + lvpages[r->level] * PG;
			r[1].start = r->end;
			r[1].entries--;
			r[1].first += lvpages[r->level];
			return;
		}
	}
	/*
	 * No run of two or more entries to split (after a fragmenting
	 * workload, consecutive pages may all come from scattered frames):
	 * plant the same error the other way, by making two adjacent runs
	 * of one kind continue each other.
	 */
	for (i = 1; !strcmp(mutation, "split") && i < pt->n; i++) {
		struct run *q = &pt->r[i - 1], *r = &pt->r[i];

		if (q->end == r->start && q->level == r->level &&
		    q->kind == K_PRESENT && r->kind == K_PRESENT &&
		    find_vma(&c->maps, r->start) >= 0 &&
		    !c->maps.v[find_vma(&c->maps, r->start)].pfnmap) {
			r->flags = q->flags;
			r->type = q->type;
			r->first = q->first + q->entries * lvpages[q->level];
			return;
		}
	}
	for (size_t j = 0; j < mv->n; j++) {
		struct vma_info *m = &mv->v[j];

		vi = find_vma(&c->maps, m->start);
		if (!strcmp(mutation, "ptables") && vi >= 0 &&
		    c->maps.v[vi].exact) {
			m->ptables++;
			return;
		}
		if (!strcmp(mutation, "runs") && m->runs) {
			m->runs++;
			return;
		}
		if (!strcmp(mutation, "present") && m->present) {
			m->present--;
			return;
		}
		if (!strcmp(mutation, "dirty") && m->dirty) {
			m->dirty++;
			return;
		}
		if (!strcmp(mutation, "pmd")) {
			m->pmd++;
			return;
		}
		if (!strcmp(mutation, "name")) {
			append_x(&m->name);
			return;
		}
		if (!strcmp(mutation, "pgoff")) {
			m->pgoff += PG;
			return;
		}
	}
}

/* A translation's pfn with its first hex digit changed (1 -> 2, else 1). */
void mutate_vtop(struct vtop_report *vt)
{
	int sh = 0;
	uint64_t d;

	if (!mutation || strcmp(mutation, "vtop") ||
	    strcmp(vt->kind, "present") || !vt->has_pfn)
		return;
	while (sh < 60 && vt->pfn >> (sh + 4))
		sh += 4;
	d = (vt->pfn >> sh) & 15;
	vt->pfn = (vt->pfn & ~(15ULL << sh)) | ((d == 1 ? 2ULL : 1ULL) << sh);
}
