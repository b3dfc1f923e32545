/*
 * util.h -- small shared conventions.
 *
 * Error convention everywhere: functions return 0 on success and -1 on
 * failure, filling a caller-owned `char *err` of ERR_LEN bytes with a
 * one-line reason that names the place (file:line, host id, field).
 * Reasons never contain secrets.
 */
#ifndef HAWATCH_UTIL_H
#define HAWATCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ERR_LEN	512

void	 set_err(char *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	*xcalloc(size_t n, size_t size);	/* aborts on OOM */
char	*xstrdup(const char *);			/* aborts on OOM */
int	 parse_u64(const char *s, uint64_t *out);	/* decimal, whole string */
/*
 * s for a terminal: control characters (C0, DEL, and C1 as UTF-8) become
 * \n \r \t or \xNN / \u00NN, a backslash becomes \\; truncated to fit
 * len, always terminated.  Returns buf.  For names and reasons read from
 * the database or a host, so they cannot move the cursor, recolour the
 * terminal or forge a line of output.
 */
char	*str_escape_ctl(char *buf, size_t len, const char *s);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#endif
