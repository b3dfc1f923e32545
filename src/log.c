/*
 * log.c -- leveled key=value logging to stderr, or to the journal under
 * systemd (see log.h).
 *
 * One write(2) per line so lines from worker threads never interleave.
 * When stderr is the journal stream systemd gave the service (JOURNAL_STREAM
 * names its device and inode), each line is sent with sd_journal_sendv()
 * instead, with PRIORITY and the structured fields HAWATCH_EVENT,
 * HAWATCH_HOST and HAWATCH_VM (from the line's host= and vm= keys), so that
 * `journalctl -u hawatch HAWATCH_HOST=6` selects one host's lines.  A send
 * that fails falls back to stderr.
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "log.h"

static enum log_level	min_level = LOG_LVL_INFO;
static pthread_once_t	journal_once = PTHREAD_ONCE_INIT;
static int		journal_mode;	/* 1: stderr is systemd's journal stream */

/* JOURNAL_STREAM=<dev>:<ino> of the stream systemd connected; stderr it? */
static void
journal_detect(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return;
	if (fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino)
		journal_mode = 1;
}

int
log_to_journal(void)
{
	pthread_once(&journal_once, journal_detect);
	return journal_mode;
}

static int
journal_priority(enum log_level l)
{
	switch (l) {
	case LOG_LVL_DEBUG:	return 7;	/* LOG_DEBUG */
	case LOG_LVL_INFO:	return 6;	/* LOG_INFO */
	case LOG_LVL_WARN:	return 4;	/* LOG_WARNING */
	case LOG_LVL_ERR:	return 3;	/* LOG_ERR */
	}
	return 6;
}

/* "FIELD=<value of key= in body>" into buf; 0 when the key is absent */
static int
journal_field(char *buf, size_t len, const char *field, const char *key,
    const char *body)
{
	size_t		 kl = strlen(key), n;
	const char	*p = body;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == body || p[-1] == ' ') && p[kl] == '=')
			break;
		p += kl;
	}
	if (p == NULL)
		return 0;
	p += kl + 1;
	n = strcspn(p, " \n");
	if (n == 0 || n > 64)
		return 0;
	snprintf(buf, len, "%s=%.*s", field, (int)n, p);
	return 1;
}

/* One line to the journal; -1 when it cannot be sent. */
static int
journal_send(enum log_level l, const char *event, const char *body)
{
	char		 msg[2200], pri[16], ev[96], host[96], vm[96];
	struct iovec	 iov[6];
	int		 n = 0;

	snprintf(msg, sizeof(msg), "MESSAGE=event=%s %s", event, body);
	snprintf(pri, sizeof(pri), "PRIORITY=%d", journal_priority(l));
	snprintf(ev, sizeof(ev), "HAWATCH_EVENT=%s", event);
	iov[n].iov_base = msg, iov[n++].iov_len = strlen(msg);
	iov[n].iov_base = pri, iov[n++].iov_len = strlen(pri);
	iov[n].iov_base = ev, iov[n++].iov_len = strlen(ev);
	iov[n].iov_base = "SYSLOG_IDENTIFIER=hawatch";
	iov[n++].iov_len = strlen("SYSLOG_IDENTIFIER=hawatch");
	if (journal_field(host, sizeof(host), "HAWATCH_HOST", "host", body)) {
		iov[n].iov_base = host;
		iov[n++].iov_len = strlen(host);
	}
	if (journal_field(vm, sizeof(vm), "HAWATCH_VM", "vm", body) ||
	    journal_field(vm, sizeof(vm), "HAWATCH_VM", "domain", body)) {
		iov[n].iov_base = vm;
		iov[n++].iov_len = strlen(vm);
	}
	return sd_journal_sendv(iov, n) < 0 ? -1 : 0;
}

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
	if (log_to_journal() && journal_send(l, event, line + n) == 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}
