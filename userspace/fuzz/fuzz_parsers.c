// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_parsers - libFuzzer entry for every parser of parse.c, and the
 * renderers fed with what a parser accepted. The first byte picks the
 * parser (mod 10), the rest is the file's text. Built and run by
 * `make -C userspace fuzz` (clang, ASan, UBSan); seeds in fuzz/corpus.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"
#include "runview.h"

static FILE *sink;

static void render_frag(const char *d, size_t n)
{
	struct ctx c = { .root = "", .columns = 80, .color = 1 };
	struct frag_data fd;
	struct parse_err e;

	memset(&fd, 0, sizeof(fd));
	if (!parse_fraginfo(d, n, &fd.fi, &e)) {
		frag_text(&c, sink, &fd, &fd, -1, NULL, ~0u);
		c.ascii = 1;
		frag_text(&c, sink, &fd, NULL, 0, "Normal",
			  FRAG_DEFAULT_ORDERS);
	}
	frag_data_free(&fd);
}

/* The watermarks or compaction half of a frag frame, text and JSON. */
static void render_alloc(const char *d, size_t n, int which)
{
	struct ctx c = { .root = "", .columns = 80, .color = 1 };
	struct frag_data fd;
	struct parse_err e;
	struct json j;
	size_t i;

	memset(&fd, 0, sizeof(fd));
	if (which == 6)
		fd.have_wm = !parse_watermarks(d, n, &fd.wm, &e);
	else
		fd.have_ci = !parse_compaction(d, n, &fd.ci, &e);
	/* the tool's half: any p (out of range too), the kswapd of none */
	if (fd.have_ci)
		compact_proactive(&fd.ci, (int)(n % 103) - 1, NULL);
	for (i = 0; fd.have_wm && i < fd.wm.nzones; i++)
		alloc_zone_text(&c, sink, &fd, fd.wm.zones[i].node,
				fd.wm.zones[i].name, ~0u);
	for (i = 0; fd.have_ci && i < fd.ci.nzones; i++) {
		alloc_zone_text(&c, sink, &fd, fd.ci.zones[i].node,
				fd.ci.zones[i].name, ~0u);
		alloc_node_text(&c, sink, &fd, fd.ci.zones[i].node);
	}
	alloc_global_text(&c, sink, &fd, &fd);
	json_init(&j, sink);
	json_obj(&j, NULL, 0);
	for (i = 0; fd.have_wm && i < fd.wm.nzones; i++)
		alloc_zone_json(&j, &fd, fd.wm.zones[i].node,
				fd.wm.zones[i].name);
	alloc_global_json(&j, &fd);
	json_end_obj(&j);
	if (!fd.have_wm)
		wmark_info_free(&fd.wm);
	if (!fd.have_ci)
		compact_info_free(&fd.ci);
	frag_data_free(&fd);
}

/* vmas and numa, the two one-line-per-VMA formats, share the inputs. */
static void render_vmas(const char *d, size_t n)
{
	struct numa_list nl;
	struct vma_list vl;
	struct parse_err e;
	char buf[64];
	size_t i;

	if (!parse_vmas(d, n, &vl, &e))
		for (i = 0; i < vl.n; i++) {
			fmt_pages(buf, sizeof(buf), vl.v[i].present);
			json_quote(sink, vl.v[i].name);
		}
	vma_list_free(&vl);
	if (!parse_numa(d, n, &nl, &e))
		for (i = 0; i < nl.n; i++) {
			json_quote(sink, nl.v[i].policy);
			if (nl.v[i].nnodes)
				fmt_pages(buf, sizeof(buf),
					  numa_vma_pages(&nl.v[i],
							 nl.v[i].nodes[0].node));
		}
	numa_list_free(&nl);
}

static void render_pt(const char *d, size_t n)
{
	struct ctx c = { .root = "", .columns = 80 };
	struct map_cell cells[16];
	struct pt_report pt;
	struct parse_err e;
	char buf[512];
	size_t i;
	int k;

	if (!parse_pagetable(d, n, &pt, &e)) {
		for (i = 0; i < pt.n; i++)
			pt_flags_compact(&pt.r[i], buf, sizeof(buf));
		if (pt.n) {
			map_cells(pt.r[0].start, pt.r[pt.n - 1].end, pt.r,
				  pt.n, cells, 16);
			for (k = 0; k < 16; k++)
				map_glyph(&c, &cells[k], buf, sizeof(buf));
		}
	}
	pt_report_free(&pt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mm_version v;
	struct vtop_report vt;
	struct vbuf_stats vs;
	struct pb_info pi;
	struct pti_info pti;
	struct parse_err e;
	const char *d = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;

	if (!size)
		return 0;
	if (!sink)
		sink = fopen("/dev/null", "w");
	switch (data[0] % 10) {
	case 0:
		parse_version(d, n, &v, &e);
		break;
	case 1:
		render_frag(d, n);
		break;
	case 2:
		render_vmas(d, n);
		break;
	case 3:
		render_pt(d, n);
		break;
	case 4:
		parse_vtop(d, n, &vt, &e);
		break;
	case 5:
		parse_vbuf_stats(d, n, &vs, &e);
		break;
	case 6:
	case 7:
		render_alloc(d, n, data[0] % 10);
		break;
	case 8:
		parse_pageblocks(d, n, &pi, &e);
		pb_info_free(&pi);
		break;
	default:
		parse_pagetypeinfo(d, n, &pti, &e);
		pti_info_free(&pti);
		break;
	}
	return 0;
}
