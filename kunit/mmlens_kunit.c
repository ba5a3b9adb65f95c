// SPDX-License-Identifier: GPL-2.0
/*
 * mmlens_kunit.ko - KUnit suites for mmlens.ko's pure logic, one suite per
 * area, named mmlens_<area>. The code under test stays in mmlens.ko and is
 * reached through EXPORT_SYMBOL_IF_KUNIT (see module/kernel/compat.h): building
 * the same object into both modules would draw kbuild's "object in two
 * modules" warning on 6.12, and would test a copy, not the module.
 *
 * Built only for kernels with CONFIG_KUNIT (the debug kernel, see Kbuild);
 * loading it runs every suite, results in /sys/kernel/debug/kunit/.
 *
 * Suites:
 *   mmlens_frag   frag_math_test.c: extfrag/unusable index math
 *   mmlens_entry  walk_test.c: raw entries: kind, frame, swap slot, flags
 *   mmlens_run    walk_test.c: coalescing leaf entries into maximal runs
 *   mmlens_input  walk_test.c: pid/address parsers, per-level indices
 *   mmlens_walk   walk_test.c: the walker over a real user mm
 *                 (kunit_vm_mmap), against get_user_pages_remote()
 *   mmlens_memmap memmap_test.c: struct page reads that survive
 *                 hot-remove (module/kernel/memmap.h)
 */
#include <linux/module.h>

#include "kernel/compat.h"

/* MMLENS_KUNIT_NS: the spelling this kernel's MODULE_IMPORT_NS() takes */
MODULE_IMPORT_NS(MMLENS_KUNIT_NS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for mmlens.ko");
