/*
 * hb_parse.c -- strict parser for the content of a heartbeat file.
 *
 * The CloudStack agent writes `date +%s` into <pool>/KVMHA/hb-<ip>: one
 * run of decimal digits, usually followed by a newline.  Both heartbeat
 * backends (hb_nfs.c, hb_local.c) hand the bytes they read to hb_parse(),
 * so a given file means the same thing whichever way it was read.
 *
 * Accepted: 1..20 digits, then only trailing whitespace (space, tab, CR,
 * LF), at most HB_CONTENT_MAX bytes in all, value in 1..UINT64_MAX.
 * Everything else is HB_GARBAGE with a one-line reason that says where
 * parsing stopped, the content's length and its class (text, non-ASCII,
 * control characters, NUL bytes), and never any of its bytes: the file
 * is foreign input (anyone with write access to the pool, or a misplaced
 * file) and the reason ends up in logs, the status file and alerts.
 * hb_escape() stays for callers that must show foreign bytes.
 *
 * Pure: no I/O, no clock, no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "heartbeat.h"


static int
hb_is_trailing_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t
hb_escape(char *dst, size_t dstlen, const void *src, size_t n)
{
	const unsigned char	*s = src;
	size_t			 o = 0, i;
	char			 tmp[5];
	const char		*e;

	if (dstlen == 0)
		return 0;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		default:
			if (s[i] >= 0x20 && s[i] < 0x7f) {
				tmp[0] = (char)s[i];
				tmp[1] = '\0';
			} else
				snprintf(tmp, sizeof(tmp), "\\x%02x", s[i]);
			e = tmp;
			break;
		}
		if (o + strlen(e) + 1 > dstlen)
			break;
		memcpy(dst + o, e, strlen(e));
		o += strlen(e);
	}
	dst[o] = '\0';
	return o;
}

/* The kind of bytes content holds, worst first (no byte is shown). */
static const char *
hb_class(const unsigned char *buf, size_t len)
{
	int	nul = 0, ctl = 0, high = 0;
	size_t	i;

	for (i = 0; i < len; i++) {
		if (buf[i] == 0)
			nul = 1;
		else if ((buf[i] < 0x20 && !hb_is_trailing_space(buf[i])) ||
		    buf[i] == 0x7f)
			ctl = 1;
		else if (buf[i] >= 0x80)
			high = 1;
	}
	return nul ? "NUL bytes" : ctl ? "control characters" :
	    high ? "non-ASCII" : "text";
}

/* Fill why with "<what> at offset <off> (<len> bytes, <class>)". */
static void
hb_bad_bytes(char *why, const char *what, const unsigned char *buf,
    size_t len, size_t off)
{
	snprintf(why, HB_ERR_LEN, "%s at offset %zu (%zu bytes, %s)", what,
	    off, len, hb_class(buf, len));
}

enum hb_status
hb_parse(const void *content, size_t len, uint64_t *value, char *why)
{
	const unsigned char	*buf = content;
	uint64_t		 v = 0;
	size_t			 i, ndigits;

	*value = 0;
	why[0] = '\0';
	if (len == 0) {
		snprintf(why, HB_ERR_LEN, "empty file");
		return HB_GARBAGE;
	}
	if (len > HB_CONTENT_MAX) {
		snprintf(why, HB_ERR_LEN, "too long: more than %d bytes",
		    HB_CONTENT_MAX);
		return HB_GARBAGE;
	}
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > (UINT64_MAX - (uint64_t)(buf[i] - '0')) / 10) {
			snprintf(why, HB_ERR_LEN, "value overflows uint64");
			return HB_GARBAGE;
		}
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	ndigits = i;
	if (ndigits == 0) {
		for (i = 0; i < len && hb_is_trailing_space(buf[i]); i++)
			;
		if (i == len)
			snprintf(why, HB_ERR_LEN, "only whitespace");
		else
			hb_bad_bytes(why, "not a digit", buf, len, 0);
		return HB_GARBAGE;
	}
	for (; i < len; i++) {
		if (!hb_is_trailing_space(buf[i])) {
			hb_bad_bytes(why, "junk after digits", buf, len, i);
			return HB_GARBAGE;
		}
	}
	if (v == 0) {
		snprintf(why, HB_ERR_LEN, "value is zero");
		return HB_GARBAGE;
	}
	*value = v;
	return HB_OK;
}
