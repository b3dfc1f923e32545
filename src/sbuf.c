/*
 * sbuf.c -- growable strings and JSON string escaping (see sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sbuf.h"
#include "util.h"

void
sbuf_init(struct sbuf *b)
{
	b->cap = 256;
	b->len = 0;
	b->s = xcalloc(1, b->cap);
}

void
sbuf_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->s[0] = '\0';
}

void
sbuf_reserve(struct sbuf *b, size_t need)
{
	char	*n;

	if (b->len + need + 1 <= b->cap)
		return;
	while (b->len + need + 1 > b->cap)
		b->cap *= 2;
	if ((n = realloc(b->s, b->cap)) == NULL) {
		fprintf(stderr, "hawatch: out of memory\n");
		abort();
	}
	b->s = n;
}

void
sbuf_add(struct sbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sbuf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/*
 * s as one JSON string, escaped by jansson.  Bytes that are not UTF-8
 * (a name in a latin1 database column, a garbled heartbeat) become
 * U+FFFD one byte at a time, each candidate sequence checked by jansson,
 * so the document always parses.
 */
static json_t *
json_text(const char *s)
{
	json_t	*j = json_string(s);
	struct sbuf clean;
	size_t	 i, n, len;

	if (j != NULL)
		return j;
	sbuf_init(&clean);
	len = strlen(s);
	for (i = 0; i < len; i += n) {
		for (n = 1; n <= 4 && i + n <= len; n++) {
			if ((j = json_stringn(s + i, n)) != NULL)
				break;
		}
		if (j != NULL) {
			sbuf_add(&clean, "%.*s", (int)n, s + i);
			json_decref(j);
			j = NULL;
		} else {
			sbuf_add(&clean, "\xef\xbf\xbd");	/* U+FFFD */
			n = 1;
		}
	}
	j = json_string(clean.s != NULL ? clean.s : "");
	sbuf_free(&clean);
	return j;
}

void
sbuf_json_str(struct sbuf *b, const char *s)
{
	json_t	*j;
	char	*out;

	if (s == NULL) {
		sbuf_add(b, "null");
		return;
	}
	if ((j = json_text(s)) == NULL ||
	    (out = json_dumps(j, JSON_ENCODE_ANY)) == NULL) {
		json_decref(j);
		sbuf_add(b, "null");		/* out of memory */
		return;
	}
	sbuf_add(b, "%s", out);
	free(out);
	json_decref(j);
}
