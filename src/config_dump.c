/*
 * config_dump.c -- the canonical dump of a loaded config (`hawatch
 * config-check --dump`, in the style of ntpd -n / keepalived --dump-conf).
 *
 * Every key of every table, in table order, as "path = value;" with its
 * effective value: defaults included, durations in the largest exact unit,
 * secrets only as <set> or <unset>, per-host values that fall back to the
 * global ones as <inherit>.  The same config always dumps the same text,
 * so tests/config/ compares dumps with golden files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "util.h"

static void
dump_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static uint64_t
load_uint(const char *src, size_t size)
{
	return size == sizeof(unsigned) ? *(const unsigned *)src :
	    *(const uint64_t *)src;
}

static void
dump_duration(FILE *f, uint64_t ms)
{
	if (ms != 0 && ms % MS_HOUR == 0)
		fprintf(f, "\"%" PRIu64 "h\"", ms / MS_HOUR);
	else if (ms != 0 && ms % 60000 == 0)
		fprintf(f, "\"%" PRIu64 "m\"", ms / 60000);
	else if (ms % 1000 == 0)
		fprintf(f, "\"%" PRIu64 "s\"", ms / 1000);
	else
		fprintf(f, "\"%" PRIu64 "ms\"", ms);
}

static void
dump_fraction(FILE *f, unsigned permille)
{
	char	buf[32];
	size_t	n;

	n = (size_t)snprintf(buf, sizeof(buf), "%u.%03u", permille / 1000,
	    permille % 1000);
	while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	fputs(buf, f);
}

/* is the field still at its "take the global value" default? */
static int
inherits(const struct cfg_key *k, const char *src, const void *base)
{
	if (!(k->flags & CFG_F_INHERIT))
		return 0;
	switch (k->type) {
	case CFGT_STRING:
		return src[0] == '\0';
	case CFGT_SECRET:
		return !*(const int *)((const char *)base + k->aux_off);
	case CFGT_INT: case CFGT_BOOL: case CFGT_ENUM:
		return *(const int *)src == (int)k->def;
	case CFGT_UINT: case CFGT_DURATION: case CFGT_ID:
		return load_uint(src, k->size) == (uint64_t)k->def;
	default:
		return 0;
	}
}

static void
dump_value(FILE *f, const struct cfg_key *k, const char *src,
    const void *base)
{
	const char	*const *nm;
	size_t		 i, n;
	int		 v;

	switch (k->type) {
	case CFGT_STRING:
		dump_string(f, src);
		break;
	case CFGT_UINT: case CFGT_ID:
		fprintf(f, "%" PRIu64, load_uint(src, k->size));
		break;
	case CFGT_INT:
		fprintf(f, "%d", *(const int *)src);
		break;
	case CFGT_DURATION:
		dump_duration(f, load_uint(src, k->size));
		break;
	case CFGT_BOOL:
		fputs(*(const int *)src ? "true" : "false", f);
		break;
	case CFGT_FRACTION:
		dump_fraction(f, *(const unsigned *)src);
		break;
	case CFGT_ENUM:
		v = *(const int *)src;
		for (nm = k->names; *nm != NULL && v > 0; nm++, v--)
			;
		dump_string(f, *nm != NULL ? *nm : "?");
		break;
	case CFGT_SECRET:
		fputs(*(const int *)((const char *)base + k->aux_off) ?
		    "<set>" : "<unset>", f);
		break;
	case CFGT_STRLIST:
		n = *(const size_t *)((const char *)base + k->aux_off);
		fputs("[", f);
		for (i = 0; i < n; i++) {
			fputs(i ? ", " : " ", f);
			dump_string(f, ((char *const *)src)[i]);
		}
		fputs(" ]", f);
		break;
	case CFGT_GROUP: case CFGT_LIST:
		break;
	}
}

static void	dump_table(FILE *, const char *, const struct cfg_table *,
		    const void *);

static void
dump_list(FILE *f, const char *path, const struct cfg_key *k,
    const char *src, const void *base)
{
	size_t	n = *(const size_t *)((const char *)base + k->aux_off), i;
	char	epath[300];

	if (k->flags & CFG_F_ALLOC)
		src = *(const char *const *)src;
	if (n == 0)
		fprintf(f, "%s = ( );\n", path);
	for (i = 0; i < n; i++) {
		snprintf(epath, sizeof(epath), "%.256s[%zu]", path, i);
		dump_table(f, epath, k->sub, src + i * k->sub->size);
	}
}

static void
dump_table(FILE *f, const char *prefix, const struct cfg_table *t,
    const void *base)
{
	const struct cfg_key	*k;
	const char		*src;
	char			 path[256];
	size_t			 i;

	for (i = 0; i < t->nkeys; i++) {
		k = &t->keys[i];
		src = (const char *)base + k->off;
		if (k->flags & CFG_F_NODUMP)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] ? "." : "", k->name);
		if (k->type == CFGT_GROUP) {
			dump_table(f, path, k->sub, src);
			continue;
		}
		if (k->type == CFGT_LIST) {
			dump_list(f, path, k, src, base);
			continue;
		}
		fprintf(f, "%s = ", path);
		if (inherits(k, src, base))
			fputs("<inherit>", f);
		else
			dump_value(f, k, src, base);
		fputs(";\n", f);
	}
}

int
config_dump(const struct config *c, FILE *f)
{
	dump_table(f, "", &config_root_table, c);
	return ferror(f) ? -1 : 0;
}
