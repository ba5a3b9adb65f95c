// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf.c - /dev/mmlens: a vmalloc() buffer mapped into user space page by
 * page from a .fault handler. (Placeholder: being written, see issue 5.)
 */
#include "mmlens.h"

int mmlens_vbuf_init(struct dentry *dbg)
{
	return 0;
}

void mmlens_vbuf_exit(void)
{
}
