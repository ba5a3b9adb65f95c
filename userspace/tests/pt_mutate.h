/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_mutate.h - pt_check's self-test: PT_CHECK_MUTATE=WHAT plants one
 * error in what mmlens answered (after reading it), and the shell expects
 * the check meant to catch it to fail. WHAT: pfn, swap, hole, nx, rw,
 * split, ptables, runs, present, dirty, pmd, name, pgoff (vmas and
 * pagetable: mutate()) or vtop (vtop answers: mutate_vtop()).
 */
#ifndef MMLENS_PT_MUTATE_H
#define MMLENS_PT_MUTATE_H

#include "pt_check.h"

/* PT_CHECK_MUTATE, or NULL. */
const char *mutation_get(void);
void mutate(struct ctx *c);
void mutate_vtop(struct vtop_report *vt);

#endif
