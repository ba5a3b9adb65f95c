// SPDX-License-Identifier: GPL-2.0
/*
 * pagetable.c - the pagetable report: the maximal runs of entries with
 * their frames and decoded flags, a visitor of the page-table walker,
 * as text lines (a stream) or as binary records (MMLENS_PT_RUNS);
 * formats in docs/walk.md.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kernel/compat.h"
#include "mmlens_uapi.h"
#include "pt/entry.h"
#include "pt/run.h"
#include "pt/walk.h"
#include "reports/reports.h"
#include "reports/visit.h"

/*
 * The records of MMLENS_PT_RUNS: made under mmap_lock into a bounce
 * buffer, copied to the caller's vector with the lock dropped (the
 * walker's @unlocked), as pagemap_read() copies its buffer out after the
 * walk: the vector may lie in the target's own memory, and a fault on
 * it must not come while we hold the target's mmap_lock.
 */
struct pt_records {
	struct mmlens_pt_run *buf;
	unsigned int n;			/* in buf, not yet copied out */
	struct mmlens_pt_run __user *vec;
	u64 vec_len, written;		/* the caller's vector, copied so far */
};

/* The bounce buffer, and what one step may add to it (a pte table's). */
#define PT_BOUNCE	1024
#define PT_STEP_RUNS	(PTRS_PER_PTE + 1)
/* A walk callback's return: the caller's vector is full. */
#define PT_VEC_FULL	2

struct pt_state {
	struct mmlens_textbuf *out;	/* the text report, or */
	struct pt_records *rec;		/* its runs as records */
	struct mmlens_run run;
	/*
	 * The hot case of pt_ptes(): the run is of present ptes, and a pte
	 * continues it when it equals fast_next under fast_mask (the next
	 * frame, the same named flags).
	 */
	bool fast;
	u64 fast_next, fast_mask;
	u64 named;			/* mmlens_pte_named_flags() */
	/* the flags last decoded, for the many runs that share them */
	u64 flags_key;
	enum mmlens_level flags_level;
	bool flags_zero, flags_valid;
	u64 flag_bits;
	unsigned int flags_len;
	char flags[160];
};

/*
 * The flags of the run's first entry, as bits and as names, decoded once
 * per change of flags: in a large report most runs share them.
 */
static void pt_flags_decode(struct pt_state *s, const struct mmlens_run *r)
{
	/*
	 * Every named flag bit lies outside the frame, but for pat on pmds
	 * and puds (bit 12, a pte's lowest frame bit: in the key of a pte it
	 * would miss the cache on every other frame of a scattered report).
	 */
	u64 key = r->raw & (r->level == MMLENS_PTE ? ~PTE_PFN_MASK :
			    ~PTE_PFN_MASK | _PAGE_PAT_LARGE);

	if (s->flags_valid && s->flags_key == key &&
	    s->flags_level == r->level && s->flags_zero == r->first.zero)
		return;
	s->flag_bits = mmlens_flag_bits(r->raw, r->level, true, r->first.zero);
	s->flags_len = mmlens_format_flags(s->flags, sizeof(s->flags), r->raw,
					   r->level, true, r->first.zero);
	s->flags_key = key;
	s->flags_level = r->level;
	s->flags_zero = r->first.zero;
	s->flags_valid = true;
}

/*
 * The run as a record, in the bounce buffer; PT_VEC_FULL when the
 * caller's vector has no room left for it (the run stays to be flushed:
 * its start is where the next call begins).
 */
static int pt_record(struct pt_state *s)
{
	struct pt_records *o = s->rec;
	const struct mmlens_run *r = &s->run;
	struct mmlens_pt_run *p;

	if (o->written + o->n >= o->vec_len)
		return PT_VEC_FULL;
	/*
	 * Every field stored, none left to a memset(): the struct has no
	 * padding (mmlens_uapi.h), and a memset() per record is a string
	 * instruction that costs more than the record under emulation.
	 */
	p = &o->buf[o->n++];
	p->start = r->start;
	p->end = r->end;
	p->entries = r->entries;
	p->value = 0;
	p->flags = 0;
	p->level = r->level;
	p->kind = r->first.kind;
	p->swap_type = 0;
	p->marker = 0;
	p->reserved = 0;
	switch (r->first.kind) {
	case MMLENS_PRESENT:
		pt_flags_decode(s, r);
		p->value = r->first.value;
		p->flags = s->flag_bits;
		break;
	case MMLENS_SWAP:
		p->value = r->first.value;
		p->swap_type = r->first.type;
		break;
	case MMLENS_MARKER:
		p->marker = r->first.mark;
		break;
	case MMLENS_OTHER:
		p->value = r->raw;
		break;
	default:
		p->value = r->first.value;
		break;
	}
	return 0;
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

/* head <= 76 bytes, " pfn=" and " flags=" 28, the flags, "\n", NUL */
#define PT_LINE_MAX (128 + sizeof(((struct pt_state *)0)->flags))

/*
 * One line per run, composed in place at the end of the output: no
 * format string is parsed per present run, and no line buffer on the
 * stack (Debian's kernels zero every stack array at each call,
 * CONFIG_INIT_STACK_ALL_ZERO: 288 bytes a run). The walker has
 * MMLENS_STEP_ROOM free before every step and a step's lines fit in it
 * (a pte table's 513 at most), so the reserve below only checks, as in
 * vmas.c: it does not allocate under mmap_lock. The rare kinds keep
 * printf for their tail.
 */
static void pt_line(struct pt_state *s)
{
	struct mmlens_textbuf *out = s->out;
	struct mmlens_run *r = &s->run;
	char *p;

	if (mmlens_textbuf_reserve(out, PT_LINE_MAX))
		return;
	p = pt_line_head(out->data + out->len, r);
	if (r->first.kind == MMLENS_PRESENT) {
		memcpy(p, " pfn=", 5);
		p = mmlens_fmt_hex(p + 5, r->first.value);
		memcpy(p, " flags=", 7);
		pt_flags_decode(s, r);
		memcpy(p + 7, s->flags, s->flags_len);
		p += 7 + s->flags_len;
		*p++ = '\n';
		*p = '\0';
		out->len = p - out->data;
		return;
	}
	*p = '\0';
	out->len = p - out->data;
	switch (r->first.kind) {
	case MMLENS_SWAP:
		mmlens_textbuf_printf(out, " type=%u offset=%llx\n",
				      r->first.type, r->first.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_printf(out, " kind=%s\n", r->first.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_printf(out, " entry=%llx\n", r->raw);
		break;
	default:
		mmlens_textbuf_printf(out, " pfn=%llx\n", r->first.value);
		break;
	}
}

/*
 * The run, complete, out as a line or a record. Text errors are sticky
 * in out->err; a record may find the vector full (PT_VEC_FULL).
 */
static int pt_flush(struct pt_state *s)
{
	int ret = 0;

	if (!s->run.active)
		return 0;
	if (s->rec)
		ret = pt_record(s);
	else
		pt_line(s);
	if (!ret)
		s->run.active = false;
	return ret;
}

/* The text's first error, or 0 (records have none of their own). */
static int pt_err(const struct pt_state *s)
{
	return s->out ? s->out->err : 0;
}

static int pt_add(struct pt_state *s, const struct mmlens_leaf *leaf)
{
	struct mmlens_entry e;

	int ret;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (mmlens_run_extend(&s->run, leaf->addr, leaf->level, &e))
		return 0;
	ret = pt_flush(s);
	if (ret)
		return ret;
	mmlens_run_start(&s->run, leaf->addr, leaf->level, leaf->raw, &e);
	return pt_err(s);
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
static int pt_start_pte(struct pt_state *s, unsigned long addr, u64 v)
{
	struct mmlens_run *r = &s->run;
	u64 pfn = (v & PTE_PFN_MASK) >> PAGE_SHIFT;
	int ret = pt_flush(s);

	if (ret)
		return ret;
	r->first.kind = MMLENS_PRESENT;
	r->first.value = pfn;
	r->first.type = 0;
	r->first.flags = v & s->named;
	r->first.zero = false;
	r->first.marker = NULL;
	r->first.mark = MMLENS_MARKER_NONE;
	r->start = addr;
	r->end = addr + PAGE_SIZE;
	r->level = MMLENS_PTE;
	r->raw = v;
	r->next = pfn + 1;
	r->entries = 1;
	r->active = true;
	s->fast = true;
	s->fast_next = v + PAGE_SIZE;
	return pt_err(s);
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
	unsigned int i = 0, j;
	int ret;

	while (i < n) {
		u64 v;

		/*
		 * The run goes on here: its next entries in locals (the kernel
		 * builds without strict aliasing, so fields of *s and *r would
		 * be reloaded and stored at every entry), written back once.
		 */
		if (s->fast && r->end == addr) {
			u64 next = s->fast_next, mask = s->fast_mask;

			for (j = i; j < n; j++) {
				v = pte_val(ptes[j]);
				if (((v ^ next) & mask) ||
				    (v & PTE_PFN_MASK) == zero_frame)
					break;
				next += PAGE_SIZE;
			}
			r->end += (unsigned long)(j - i) << PAGE_SHIFT;
			r->entries += j - i;
			r->next += j - i;
			s->fast_next = next;
			addr += (unsigned long)(j - i) << PAGE_SHIFT;
			i = j;
			if (i == n)
				break;
		}
		v = pte_val(ptes[i]);
		if ((v & _PAGE_PRESENT) && (v & PTE_PFN_MASK) != zero_frame) {
			ret = pt_start_pte(s, addr, v);
			if (ret)
				return ret;
		} else if (!pte_none(ptes[i])) {
			/* zeroed at each entry of its scope: declared here */
			struct mmlens_leaf leaf = {
				.addr = addr, .level = MMLENS_PTE, .raw = v,
				.zero = pte_present(ptes[i]) &&
					is_zero_pfn(pte_pfn(ptes[i])),
			};

			/* zero page, PROT_NONE, swap...: not a fast run */
			s->fast = false;
			ret = pt_add(s, &leaf);
			if (ret)
				return ret;
		}
		i++;
		addr += PAGE_SIZE;
	}
	return 0;
}

/*
 * Before a step, with the lock dropped when asked: the text grows its
 * buffer or pauses for the reader (visit.h); records go out to the
 * caller's vector when the bounce buffer has no room for a step.
 */
static bool pt_want_unlocked(void *priv)
{
	struct pt_state *s = priv;

	if (s->rec)
		return s->rec->n > PT_BOUNCE - PT_STEP_RUNS;
	return mmlens_out_want_unlocked(s->out, MMLENS_STEP_ROOM);
}

static int pt_records_out(struct pt_records *o)
{
	if (copy_to_user(o->vec + o->written, o->buf,
			 o->n * sizeof(*o->buf)))
		return -EFAULT;
	o->written += o->n;
	o->n = 0;
	return 0;
}

static int pt_unlocked(void *priv)
{
	struct pt_state *s = priv;

	if (s->rec)
		return pt_records_out(s->rec);
	return mmlens_out_unlocked(s->out, MMLENS_STEP_ROOM);
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
	pt_flush(state);	/* text: errors are in out->err */
}

static const struct mmlens_stream_ops pt_stream_ops = {
	.walk = &pt_ops,
	.finish = pt_finish,
};

static struct pt_state *pt_state_alloc(void)
{
	struct pt_state *s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);

	if (!s)
		return NULL;
	s->named = mmlens_pte_named_flags();
	s->fast_mask = PTE_PFN_MASK | _PAGE_PRESENT | s->named;
	return s;
}

int mmlens_stream_pagetable(struct mmlens_stream *st, struct mm_struct *mm,
			    pid_t pid, const char *comm,
			    struct mmlens_textbuf *out)
{
	struct pt_state *s = pt_state_alloc();

	if (!s)
		return -ENOMEM;
	s->out = out;
	mmlens_textbuf_printf(out, "# pid=%d comm=", pid);
	mmlens_textbuf_escaped(out, comm, MMLENS_NAME_ESCAPE);
	mmlens_textbuf_printf(out, " levels=%d\n", pgtable_l5_enabled() ? 5 : 4);
	return mmlens_stream_init(st, &pt_stream_ops, s, mm, out);
}

/* @a as the caller may ask it (docs/walk.md: "Binary runs"). */
static int pt_runs_check(const struct mmlens_pt_runs *a,
			 const void __user *uarg, size_t usize)
{
	unsigned long vec = a->vec, bytes;

	if (a->flags || a->rec_size != sizeof(struct mmlens_pt_run))
		return -EINVAL;
	if (a->start >= a->end || !PAGE_ALIGNED(a->start) ||
	    !PAGE_ALIGNED(a->end) || a->end > MMLENS_USER_END)
		return -EINVAL;
	if (!a->vec_len || a->vec_len > MMLENS_PT_RUNS_MAX)
		return -EINVAL;
	bytes = a->vec_len * sizeof(struct mmlens_pt_run);
	if (vec != a->vec || vec + bytes < vec)
		return -EINVAL;
	/* walk_end is written into the argument: no record may land on it */
	if (vec < (unsigned long)uarg + usize &&
	    (unsigned long)uarg < vec + bytes)
		return -EINVAL;
	if (!access_ok((void __user *)vec, bytes))
		return -EFAULT;
	return 0;
}

long mmlens_pt_runs(struct mm_struct *mm, struct mmlens_pt_runs __user *uarg)
{
	struct pt_records rec = {};
	struct mmlens_walker *w;
	struct mmlens_pt_runs a;
	struct pt_state *s;
	u64 usize, walk_end;
	long ret;

	/* the sizes docs/walk.md gives: version 1 */
	BUILD_BUG_ON(sizeof(struct mmlens_pt_run) != 48);
	BUILD_BUG_ON(sizeof(struct mmlens_pt_runs) != 64);
	if (get_user(usize, &uarg->size))
		return -EFAULT;
	if (usize < sizeof(a))
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&a, sizeof(a), uarg, usize);
	if (ret)
		return ret;
	ret = pt_runs_check(&a, uarg, usize);
	if (ret)
		return ret;

	rec.vec = u64_to_user_ptr(a.vec);
	rec.vec_len = a.vec_len;
	rec.buf = kvmalloc_array(PT_BOUNCE, sizeof(*rec.buf),
				 GFP_KERNEL_ACCOUNT);
	s = pt_state_alloc();
	w = s ? mmlens_walk_alloc(mm, a.start, a.end, &pt_ops, s) : NULL;
	if (!rec.buf || !w) {
		ret = -ENOMEM;
		goto out;
	}
	s->rec = &rec;
	ret = mmlens_walk_run(w);
	if (!ret)
		ret = pt_flush(s);	/* the run the range ended in */
	if (ret == PT_VEC_FULL)
		walk_end = s->run.start;	/* the first run not written */
	else if (!ret)
		walk_end = a.end;
	else
		goto out;
	ret = pt_records_out(&rec);	/* no lock held: the walk is over */
	if (!ret && put_user(walk_end, &uarg->walk_end))
		ret = -EFAULT;
	if (!ret)
		ret = rec.written;
out:
	mmlens_walk_free(w);
	kfree(s);
	kvfree(rec.buf);
	return ret;
}
