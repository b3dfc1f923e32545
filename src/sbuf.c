/*
 * sbuf.c -- growable strings and JSON string escaping (see sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void
sbuf_json_str(struct sbuf *b, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		sbuf_add(b, "null");
		return;
	}
	sbuf_reserve(b, strlen(s) + 2);
	b->s[b->len++] = '"';
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			sbuf_add(b, "\\\"");
			break;
		case '\\':
			sbuf_add(b, "\\\\");
			break;
		case '\n':
			sbuf_add(b, "\\n");
			break;
		case '\t':
			sbuf_add(b, "\\t");
			break;
		case '\r':
			sbuf_add(b, "\\r");
			break;
		default:
			if (*p < 0x20)
				sbuf_add(b, "\\u%04x", *p);
			else {
				sbuf_reserve(b, 1);
				b->s[b->len++] = (char)*p;
			}
		}
	}
	sbuf_reserve(b, 1);
	b->s[b->len++] = '"';
	b->s[b->len] = '\0';
}
