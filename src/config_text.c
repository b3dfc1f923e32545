/*
 * config_text.c -- the syntax of config values: durations with a unit and
 * text that is valid UTF-8 without control characters (see config.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

int
config_parse_duration(const char *s, uint64_t *ms, char *err)
{
	char		*end;
	unsigned long long v;
	uint64_t	 mult;

	if (s == NULL || *s < '0' || *s > '9') {
		set_err(err, "duration \"%s\" must start with a number", s ? s : "");
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0) {
		set_err(err, "duration \"%s\" is out of range", s);
		return -1;
	}
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000;
	else {
		set_err(err, "duration \"%s\" needs a unit: ms, s, m or h", s);
		return -1;
	}
	if (v > UINT64_MAX / mult) {
		set_err(err, "duration \"%s\" is out of range", s);
		return -1;
	}
	*ms = v * mult;
	return 0;
}

int
config_text_ok(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;
	int			 n, i;

	while (*u != '\0') {
		if (*u < 0x20 || *u == 0x7f)
			return 0;
		if (*u < 0x80) {
			u++;
			continue;
		}
		if (*u >= 0xc2 && *u <= 0xdf)
			n = 1, cp = *u & 0x1f;
		else if (*u >= 0xe0 && *u <= 0xef)
			n = 2, cp = *u & 0x0f;
		else if (*u >= 0xf0 && *u <= 0xf4)
			n = 3, cp = *u & 0x07;
		else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (u[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return 0;
		u += n + 1;
	}
	return 1;
}
