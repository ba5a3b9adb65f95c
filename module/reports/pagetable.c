// SPDX-License-Identifier: GPL-2.0
/*
 * pagetable.c - the pagetable report: the maximal runs of entries with
 * their frames and decoded flags, a visitor of the page-table walker
 * (format in docs/walk.md).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "pt/entry.h"
#include "pt/run.h"
#include "pt/walk.h"
#include "reports/reports.h"
#include "reports/visit.h"

struct pt_state {
	struct mmlens_textbuf *out;
	struct mmlens_run run;
	/*
	 * The hot case of pt_ptes(): the run is of present ptes, and a pte
	 * continues it when it equals fast_next under fast_mask (the next
	 * frame, the same named flags).
	 */
	bool fast;
	u64 fast_next, fast_mask;
	u64 named;			/* mmlens_pte_named_flags() */
	/* the flags last formatted, for the many runs that share them */
	u64 flags_key;
	enum mmlens_level flags_level;
	bool flags_zero, flags_valid;
	unsigned int flags_len;
	char flags[160];
};

/*
 * The flag names of the run's first entry, formatted once per change of
 * flags: in a large report most runs share them.
 */
static const char *pt_flags(struct pt_state *s, const struct mmlens_run *r)
{
	/* every named flag bit lies outside the frame, but for pat on pmds */
	u64 key = r->raw & (~PTE_PFN_MASK | _PAGE_PAT_LARGE);

	if (!s->flags_valid || s->flags_key != key ||
	    s->flags_level != r->level || s->flags_zero != r->first.zero) {
		s->flags_len = mmlens_format_flags(s->flags, sizeof(s->flags),
						   r->raw, r->level, true,
						   r->first.zero);
		s->flags_key = key;
		s->flags_level = r->level;
		s->flags_zero = r->first.zero;
		s->flags_valid = true;
	}
	return s->flags;
}

/* "<start>-<end> <level> <entries> <kind>", into @p; returns the end. */
static char *pt_line_head(char *p, const struct mmlens_run *r)
{
	const char *name = mmlens_level_name(r->level);
	size_t len = strlen(name);

	p = mmlens_fmt_hex(p, r->start);
	*p++ = '-';
	p = mmlens_fmt_hex(p, r->end);
	*p++ = ' ';
	memcpy(p, name, len);
	p += len;
	*p++ = ' ';
	p = mmlens_fmt_dec(p, r->entries);
	*p++ = ' ';
	name = mmlens_kind_name(r->first.kind);
	len = strlen(name);
	memcpy(p, name, len);
	return p + len;
}

/*
 * One line per run. Present runs, nearly all of a large report, are
 * composed in a local buffer and appended in one piece: no format string
 * is parsed per run. The rare kinds keep printf.
 */
static void pt_flush(struct pt_state *s)
{
	struct mmlens_textbuf *out = s->out;
	struct mmlens_run *r = &s->run;
	/* head <= 76 bytes, " pfn=" and " flags=" 28, the flags, "\n" */
	char line[128 + sizeof(s->flags)], *p;
	const char *flags;

	if (!r->active)
		return;
	p = pt_line_head(line, r);
	switch (r->first.kind) {
	case MMLENS_PRESENT:
		memcpy(p, " pfn=", 5);
		p = mmlens_fmt_hex(p + 5, r->first.value);
		memcpy(p, " flags=", 7);
		flags = pt_flags(s, r);
		memcpy(p + 7, flags, s->flags_len);
		p += 7 + s->flags_len;
		*p++ = '\n';
		mmlens_textbuf_put(out, line, p - line);
		break;
	case MMLENS_SWAP:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " type=%u offset=%llx\n",
				      r->first.type, r->first.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " kind=%s\n", r->first.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " entry=%llx\n", r->raw);
		break;
	default:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " pfn=%llx\n", r->first.value);
		break;
	}
	r->active = false;
}

static int pt_add(struct pt_state *s, const struct mmlens_leaf *leaf)
{
	struct mmlens_entry e;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (mmlens_run_extend(&s->run, leaf->addr, leaf->level, &e))
		return 0;
	pt_flush(s);
	mmlens_run_start(&s->run, leaf->addr, leaf->level, leaf->raw, &e);
	return s->out->err;
}

static int pt_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct pt_state *s = priv;

	s->fast = false;
	return pt_add(s, leaf);
}

/*
 * A new run of one present pte (present bit set, not the zero page): what
 * pt_add() would do, without the general decode and the failed extend.
 * The fields are those mmlens_decode_entry() gives such a pte.
 */
static void pt_start_pte(struct pt_state *s, unsigned long addr, u64 v)
{
	struct mmlens_run *r = &s->run;
	u64 pfn = (v & PTE_PFN_MASK) >> PAGE_SHIFT;

	pt_flush(s);
	r->first.kind = MMLENS_PRESENT;
	r->first.value = pfn;
	r->first.type = 0;
	r->first.flags = v & s->named;
	r->first.zero = false;
	r->first.marker = NULL;
	r->start = addr;
	r->end = addr + PAGE_SIZE;
	r->level = MMLENS_PTE;
	r->raw = v;
	r->next = pfn + 1;
	r->entries = 1;
	r->active = true;
	s->fast = true;
	s->fast_next = v + PAGE_SIZE;
}

/*
 * A whole pte table. The hot case, the next frame of a run of present
 * ptes with the same flags, is one masked compare on the raw value. A
 * present pte that fails it starts a new run: no run of another kind,
 * level or flags can take it. The zero page (whose frame never advances,
 * and which is flagged "zero") and everything else go through pt_add(),
 * which decodes.
 */
static int pt_ptes(void *priv, unsigned long addr, const pte_t *ptes,
		   unsigned int n)
{
	u64 zero_frame = (u64)my_zero_pfn(0) << PAGE_SHIFT;
	struct pt_state *s = priv;
	struct mmlens_run *r = &s->run;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		u64 v = pte_val(ptes[i]);
		struct mmlens_leaf leaf;

		if (likely(s->fast && r->end == addr &&
			   !((v ^ s->fast_next) & s->fast_mask) &&
			   (v & PTE_PFN_MASK) != zero_frame)) {
			r->end += PAGE_SIZE;
			r->entries++;
			r->next++;
			s->fast_next += PAGE_SIZE;
			continue;
		}
		if (pte_none(ptes[i]))
			continue;
		if ((v & _PAGE_PRESENT) && (v & PTE_PFN_MASK) != zero_frame) {
			pt_start_pte(s, addr, v);
			if (s->out->err)
				return s->out->err;
			continue;
		}
		leaf.addr = addr;
		leaf.level = MMLENS_PTE;
		leaf.raw = v;
		leaf.zero = pte_present(ptes[i]) && is_zero_pfn(pte_pfn(ptes[i]));
		/* zero page, PROT_NONE, swap...: the run is not a fast one */
		s->fast = false;
		ret = pt_add(s, &leaf);
		if (ret)
			return ret;
	}
	return 0;
}

static bool pt_want_unlocked(void *priv)
{
	return mmlens_out_want_unlocked(((struct pt_state *)priv)->out,
					MMLENS_STEP_ROOM);
}

static int pt_unlocked(void *priv)
{
	return mmlens_out_unlocked(((struct pt_state *)priv)->out,
				   MMLENS_STEP_ROOM);
}

static const struct mmlens_walk_ops pt_ops = {
	.leaf = pt_leaf,
	.ptes = pt_ptes,
	.want_unlocked = pt_want_unlocked,
	.unlocked = pt_unlocked,
};

/* The walk is done: the run it ended in. */
static void pt_finish(void *state)
{
	pt_flush(state);
}

static const struct mmlens_stream_ops pt_stream_ops = {
	.walk = &pt_ops,
	.finish = pt_finish,
};

int mmlens_stream_pagetable(struct mmlens_stream *st, struct mm_struct *mm,
			    pid_t pid, const char *comm,
			    struct mmlens_textbuf *out)
{
	struct pt_state *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->out = out;
	s->named = mmlens_pte_named_flags();
	s->fast_mask = PTE_PFN_MASK | _PAGE_PRESENT | s->named;
	mmlens_textbuf_printf(out, "# pid=%d comm=", pid);
	mmlens_textbuf_escaped(out, comm, MMLENS_NAME_ESCAPE);
	mmlens_textbuf_printf(out, " levels=%d\n", pgtable_l5_enabled() ? 5 : 4);
	return mmlens_stream_init(st, &pt_stream_ops, s, mm, out);
}
