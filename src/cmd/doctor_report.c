/*
 * doctor_report.c -- how `hawatch doctor` prints a finding: one line per
 * check, ok|warn|FAIL, the detail and the fix, counted for the exit code.
 */
#include <stdarg.h>
#include <stdio.h>

#include "doctor.h"

static const char *
dr_level_name(enum dr_level l)
{
	switch (l) {
	case DR_OK:	return "ok";
	case DR_WARN:	return "warn";
	case DR_FAIL:	return "FAIL";
	}
	/* NOTREACHED */
	return "invalid";
}

void
dr(struct doctor *d, enum dr_level l, const char *check, const char *fix,
    const char *fmt, ...)
{
	va_list	ap;

	if (l == DR_FAIL)
		d->nfail++;
	else if (l == DR_WARN)
		d->nwarn++;
	printf("%-4s  %-13s  ", dr_level_name(l), check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fix != NULL)
		printf("  (fix: %s)", fix);
	printf("\n");
	fflush(stdout);
}
