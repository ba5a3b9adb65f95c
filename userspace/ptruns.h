/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptruns.h - the pagetable report through the MMLENS_PT_RUNS ioctl
 * (ptruns.c): for load.c, which falls back to the text, and for the unit
 * tests, which hold the records to the text parser.
 */
#ifndef MMLENS_PTRUNS_H
#define MMLENS_PTRUNS_H

struct mmlens_pt_run;
struct pt_run;
struct pt_report;

/*
 * @rec into @r (zeroed by the caller) as parse_pagetable() fills it from
 * the line the module prints for the run. 0; 1 when @rec holds what the
 * text would name and this tool cannot (a newer module's kind, level,
 * flag or field: only its text says it) or what the parser refuses (an
 * empty range): the caller reads the text instead; -1 out of memory.
 * Free @r's strings as pt_report_free() does, also after 1 or -1.
 */
int pt_run_from_record(const struct mmlens_pt_run *rec, struct pt_run *r);

/*
 * The report of @fd, a pagetable file written its pid and at offset 0,
 * into @pt: the header from the text's first line, the runs by
 * MMLENS_PT_RUNS over the whole user address space. 0; -1 when the text
 * is to be read instead (ENOTTY: a module without the ioctl; a header or
 * a record only the text parser can judge, which then judges it as it
 * always did); else an errno of the read or the ioctl (ESRCH, ENOMEM,
 * EPROTO for records that break the ioctl's rules). On any failure @pt
 * holds nothing to free.
 */
int pt_runs_read(int fd, struct pt_report *pt);

#endif /* MMLENS_PTRUNS_H */
