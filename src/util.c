/*
 * util.c -- error buffers, checked allocation, strict number parsing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void
set_err(char *err, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, ERR_LEN, fmt, ap);
	va_end(ap);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL) {
		fprintf(stderr, "hawatch: out of memory\n");
		abort();
	}
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL) {
		fprintf(stderr, "hawatch: out of memory\n");
		abort();
	}
	return p;
}

int
parse_u64(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

char *
str_escape_ctl(char *buf, size_t len, const char *s)
{
	const unsigned char	*p = (const unsigned char *)(s ? s : "");
	char			 e[8];
	size_t			 o = 0, n;

	if (len == 0)
		return buf;
	for (; *p != '\0'; p++) {
		if (*p == '\\')
			snprintf(e, sizeof(e), "\\\\");
		else if (*p == '\n')
			snprintf(e, sizeof(e), "\\n");
		else if (*p == '\r')
			snprintf(e, sizeof(e), "\\r");
		else if (*p == '\t')
			snprintf(e, sizeof(e), "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			snprintf(e, sizeof(e), "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			snprintf(e, sizeof(e), "\\u%04x", *++p);
		else {
			e[0] = (char)*p;
			e[1] = '\0';
		}
		n = strlen(e);
		if (o + n >= len)
			break;
		memcpy(buf + o, e, n);
		o += n;
	}
	buf[o] = '\0';
	return buf;
}
