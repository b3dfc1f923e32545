/*
 * sbuf.h -- a growable string: SQL statements, JSON documents, tables.
 * Allocation failure aborts (xcalloc rules); s is always NUL-terminated.
 */
#ifndef HAWATCH_SBUF_H
#define HAWATCH_SBUF_H

#include <stddef.h>

struct sbuf {
	char	*s;
	size_t	 len, cap;
};

void	sbuf_init(struct sbuf *);
void	sbuf_free(struct sbuf *);
void	sbuf_reset(struct sbuf *);
void	sbuf_reserve(struct sbuf *, size_t extra);
void	sbuf_add(struct sbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sbuf_json_str(struct sbuf *, const char *s);	/* "..." escaped */

#endif
