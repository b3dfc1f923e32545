/*
 * doctor_report.c -- how `hawatch doctor` prints a finding: one line per
 * check, ok|warn|FAIL, the detail and the fix (control characters
 * escaped), counted for the exit code.
 */
#include <stdarg.h>
#include <stdio.h>

#include "doctor.h"
#include "util.h"

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
	char	msg[2048], out[4 * sizeof(msg)];

	if (l == DR_FAIL)
		d->nfail++;
	else if (l == DR_WARN)
		d->nwarn++;
	printf("%-4s  %-13s  ", dr_level_name(l), check);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* names and reasons come from the database, BMCs and hosts */
	fputs(str_escape_ctl(out, sizeof(out), msg), stdout);
	if (fix != NULL)
		printf("  (fix: %s)", str_escape_ctl(out, sizeof(out), fix));
	printf("\n");
	fflush(stdout);
}
