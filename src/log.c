/*
 * log.c -- leveled key=value logging to stderr (see log.h).
 *
 * One write(2) per line so lines from worker threads never interleave.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level	min_level = LOG_LVL_INFO;

void
log_set_level(enum log_level l)
{
	min_level = l;
}

enum log_level
log_get_level(void)
{
	return min_level;
}

const char *
log_level_name(enum log_level l)
{
	switch (l) {
	case LOG_LVL_DEBUG:
		return "debug";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_WARN:
		return "warn";
	case LOG_LVL_ERR:
		return "error";
	}
	return "invalid";
}

int
log_level_parse(const char *s, enum log_level *out)
{
	enum log_level l;

	for (l = LOG_LVL_DEBUG; l <= LOG_LVL_ERR; l++) {
		if (strcmp(s, log_level_name(l)) == 0) {
			*out = l;
			return 0;
		}
	}
	return -1;
}

const char *
log_quote(char *buf, size_t len, const char *s)
{
	size_t	 o = 0;

	if (len < 3) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (; s != NULL && *s != '\0' && o + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			buf[o++] = '\\';
		buf[o++] = (*s == '\n' || *s == '\r') ? ' ' : *s;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

void
log_msg(enum log_level l, const char *event, const char *fmt, ...)
{
	char		 line[2048];
	struct timespec	 ts;
	struct tm	 tm;
	va_list		 ap;
	int		 n, m;

	if (l < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
	    "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s event=%s ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, log_level_name(l),
	    event);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
