// SPDX-License-Identifier: GPL-2.0
/* tap.c - result lines of the VM test programs (tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

const char *tap_prefix = "";
int failures;

void result(int ok, const char *label, const char *name)
{
	printf("%s%s %s: %s\n", tap_prefix, ok ? "ok" : "not ok", label, name);
	if (!ok)
		failures++;
}

/* One "# " or "#   " line: tap_prefix, lead, then fmt. */
static void vline(const char *lead, const char *fmt, va_list ap)
{
	printf("%s%s", tap_prefix, lead);
	vprintf(fmt, ap);
	printf("\n");
}

int resultf(int ok, const char *label, const char *name, const char *fmt,
	    ...)
{
	va_list ap;

	result(ok, label, name);
	if (!ok) {
		va_start(ap, fmt);
		vline("#   ", fmt, ap);
		va_end(ap);
	}
	return ok;
}

void skip(const char *label, const char *name, const char *why)
{
	printf("%sskip %s: %s # %s\n", tap_prefix, label, name, why);
}

void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("# ", fmt, ap);
	va_end(ap);
}

void detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline("#   ", fmt, ap);
	va_end(ap);
}

void cfail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	c->used = 1;
	if (c->fails++ >= MAXPRINT || c->len >= sizeof(c->msg) - 2)
		return;
	va_start(ap, fmt);
	c->len += vsnprintf(c->msg + c->len, sizeof(c->msg) - c->len, fmt, ap);
	va_end(ap);
	if (c->len < sizeof(c->msg) - 1)
		c->msg[c->len++] = '\n';
	c->msg[c->len < sizeof(c->msg) ? c->len : sizeof(c->msg) - 1] = 0;
}

void cprint(const struct check *c, const char *label)
{
	const char *p = c->msg;

	if (!c->used)
		return;
	result(!c->fails, label, c->name);
	while (c->fails && *p) {
		size_t n = strcspn(p, "\n");

		detail("%.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (c->fails > MAXPRINT)
		detail("... %d problems in all", c->fails);
}
