/*
 * config.c -- the libconfig walker: load hawatch.conf through the modules'
 * key tables (config_table.h), see config.h.
 *
 * Parsing walks the file's settings, not the tables, so an unknown key is
 * an error that names its line instead of being silently ignored.  Every
 * error is "file:line: reason" and leaves the caller's config as it was
 * (config_load fills a scratch copy and swaps it in on success).  Password
 * and config files are read by config_secret.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "config.h"
#include "config_table.h"
#include "util.h"

struct parse {
	const char	*file;
	char		*err;
};

static int
perr(struct parse *p, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
perr(struct parse *p, const config_setting_t *s, const char *fmt, ...)
{
	char	msg[ERR_LEN];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(p->err, "%s:%d: %s", p->file,
	    s != NULL ? (int)config_setting_source_line(s) : 0, msg);
	return -1;
}

static const char *
setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t	*parent = config_setting_parent(s);
	const char		*name = config_setting_name(s);
	char			 pbuf[128];

	if (parent == NULL || config_setting_is_root(parent)) {
		snprintf(buf, len, "%s", name ? name : "?");
		return buf;
	}
	setting_path(parent, pbuf, sizeof(pbuf));
	if (name != NULL)
		snprintf(buf, len, "%.120s.%.120s", pbuf, name);
	else
		snprintf(buf, len, "%.120s[%d]", pbuf,
		    config_setting_index(s));
	return buf;
}

/* defaults --------------------------------------------------------------- */

static void
store_uint(void *dst, size_t size, uint64_t v)
{
	if (size == sizeof(unsigned))
		*(unsigned *)dst = (unsigned)v;
	else
		*(uint64_t *)dst = v;
}

static void
apply_defaults(const struct cfg_table *t, void *base)
{
	const struct cfg_key	*k;
	char			*dst;
	size_t			 i;

	for (i = 0; i < t->nkeys; i++) {
		k = &t->keys[i];
		dst = (char *)base + k->off;
		switch (k->type) {
		case CFGT_STRING:
			if (!(k->flags & (CFG_F_ONE_OF | CFG_F_DUMPONLY)))
				snprintf(dst, k->size, "%s",
				    k->sdef ? k->sdef : "");
			break;
		case CFGT_UINT: case CFGT_DURATION: case CFGT_FRACTION:
		case CFGT_ID:
			store_uint(dst, k->size, (uint64_t)k->def);
			break;
		case CFGT_INT: case CFGT_BOOL: case CFGT_ENUM:
			*(int *)dst = (int)k->def;
			break;
		case CFGT_GROUP:
			apply_defaults(k->sub, dst);
			break;
		case CFGT_SECRET: case CFGT_STRLIST: case CFGT_LIST:
			break;		/* empty: the struct is zeroed */
		}
	}
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	apply_defaults(&config_root_table, c);
}

/* scalar keys ------------------------------------------------------------ */

static int
set_string(struct parse *p, const config_setting_t *s, char *dst, size_t size)
{
	const char	*v;
	char		 path[256];

	setting_path(s, path, sizeof(path));
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return perr(p, s, "%s must be a string", path);
	v = config_setting_get_string(s);
	if (strlen(v) >= size)
		return perr(p, s, "%s is longer than %zu bytes", path, size - 1);
	if (!config_text_ok(v))
		return perr(p, s, "%s is not valid UTF-8 text (or holds a "
		    "control character)", path);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* keys flagged CFG_F_ONE_OF sharing k's field: "url or path" */
static void
one_of_names(const struct cfg_table *t, const struct cfg_key *k, char *buf,
    size_t len)
{
	size_t	i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < t->nkeys && o < len; i++)
		if ((t->keys[i].flags & CFG_F_ONE_OF) && t->keys[i].off == k->off)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    o ? " or " : "", t->keys[i].name);
}

static int
set_text(struct parse *p, const struct cfg_table *t, const struct cfg_key *k,
    const config_setting_t *s, char *dst)
{
	char	path[256], e[ERR_LEN], names[128];

	setting_path(s, path, sizeof(path));
	if ((k->flags & CFG_F_ONE_OF) && dst[0] != '\0') {
		one_of_names(t, k, names, sizeof(names));
		return perr(p, s, "%s: give %s, not both", t->name, names);
	}
	if (set_string(p, s, dst, k->size) == -1)
		return -1;
	if (k->value_ok != NULL && k->value_ok(dst, e) == -1)
		return perr(p, s, "%s: %s", path, e);
	return 0;
}

static int
set_int(struct parse *p, const struct cfg_key *k, const config_setting_t *s,
    char *dst, const char *path)
{
	long long	iv;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return perr(p, s, "%s must be an integer", path);
	iv = config_setting_get_int64(s);
	if (k->type == CFGT_ID) {
		if (iv <= 0)
			return perr(p, s, "%s must be > 0", path);
		*(uint64_t *)dst = (uint64_t)iv;
		return 0;
	}
	if (iv < (long long)k->min || (uint64_t)iv > k->max)
		return perr(p, s, "%s = %lld is out of range %llu..%llu", path,
		    iv, (unsigned long long)k->min, (unsigned long long)k->max);
	if (k->type == CFGT_INT)
		*(int *)dst = (int)iv;
	else
		store_uint(dst, k->size, (uint64_t)iv);
	return 0;
}

static int
set_duration(struct parse *p, const struct cfg_key *k,
    const config_setting_t *s, char *dst, const char *path)
{
	char		e[ERR_LEN];
	uint64_t	ms;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return perr(p, s, "%s must be a duration string with a unit, "
		    "e.g. \"30s\" or \"500ms\"", path);
	if (config_parse_duration(config_setting_get_string(s), &ms, e) == -1)
		return perr(p, s, "%s: %s", path, e);
	if (ms < k->min || ms > k->max)
		return perr(p, s, "%s = %s is out of range %llums..%llums", path,
		    config_setting_get_string(s), (unsigned long long)k->min,
		    (unsigned long long)k->max);
	store_uint(dst, k->size, ms);		/* unsigned fields: max fits */
	return 0;
}

static int
set_enum(struct parse *p, const struct cfg_key *k, const config_setting_t *s,
    char *dst, const char *path)
{
	char	names[256];
	size_t	i, o = 0;

	for (i = 0; config_setting_type(s) == CONFIG_TYPE_STRING &&
	    k->names[i] != NULL; i++)
		if (strcmp(k->names[i], config_setting_get_string(s)) == 0) {
			*(int *)dst = (int)i;
			return 0;
		}
	for (i = 0; k->names[i] != NULL && o < sizeof(names); i++)
		o += (size_t)snprintf(names + o, sizeof(names) - o, "%s\"%s\"",
		    i ? ", " : "", k->names[i]);
	return perr(p, s, "%s must be one of %s", path, names);
}

static int
set_scalar(struct parse *p, const struct cfg_key *k, const config_setting_t *s,
    char *dst)
{
	char	path[256];
	double	d;

	setting_path(s, path, sizeof(path));
	switch (k->type) {
	case CFGT_UINT: case CFGT_INT: case CFGT_ID:
		return set_int(p, k, s, dst, path);
	case CFGT_DURATION:
		return set_duration(p, k, s, dst, path);
	case CFGT_ENUM:
		return set_enum(p, k, s, dst, path);
	case CFGT_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return perr(p, s, "%s must be true or false", path);
		*(int *)dst = config_setting_get_bool(s);
		return 0;
	case CFGT_FRACTION:
		if (config_setting_type(s) != CONFIG_TYPE_FLOAT)
			return perr(p, s, "%s must be a number between 0 and 1, "
			    "e.g. 0.5", path);
		d = config_setting_get_float(s);
		if (d <= 0.0 || d > 1.0)
			return perr(p, s, "%s = %g must be > 0 and <= 1", path, d);
		*(unsigned *)dst = (unsigned)(d * 1000.0 + 0.5);
		return 0;
	default:
		return perr(p, s, "%s: internal: bad key type", path);
	}
}

/* secrets and lists ------------------------------------------------------ */

/* password = "..." or password_file = "..." into the key's field */
static int
set_secret(struct parse *p, const struct cfg_key *k, const config_setting_t *s,
    void *base)
{
	char	path[256], file[CFG_STR], e[ERR_LEN];
	char	*dst = (char *)base + k->off;
	int	*has = (int *)((char *)base + k->aux_off);

	setting_path(s, path, sizeof(path));
	if (*has)
		return perr(p, s, "%s: give either password or password_file, "
		    "not both", path);
	if (strcmp(config_setting_name(s), k->name) == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return perr(p, s, "%s must be a string", path);
		if (strlen(config_setting_get_string(s)) >= k->size)
			return perr(p, s, "%s is too long", path);
		strcpy(dst, config_setting_get_string(s));
	} else {
		if (set_string(p, s, file, sizeof(file)) == -1)
			return -1;
		if (config_read_secret_file(file, dst, k->size, e) == -1)
			return perr(p, s, "%s: %s", path, e);
	}
	*has = 1;
	return 0;
}

static int
set_strlist(struct parse *p, const struct cfg_key *k,
    const config_setting_t *s, void *base)
{
	const config_setting_t	*e;
	char			**v = (char **)((char *)base + k->off);
	size_t			*n = (size_t *)((char *)base + k->aux_off);
	char			 path[256];
	int			 i, len;

	setting_path(s, path, sizeof(path));
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return perr(p, s, "%s must be a list of strings: [ \"a\", \"b\" ]",
		    path);
	len = config_setting_length(s);
	if ((uint64_t)len > k->max)
		return perr(p, s, "%s has more than %llu entries", path,
		    (unsigned long long)k->max);
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    *config_setting_get_string(e) == '\0')
			return perr(p, e, "%s[%d] must be a non-empty string",
			    path, i);
		if (!config_text_ok(config_setting_get_string(e)))
			return perr(p, e, "%s[%d] is not valid UTF-8 text (or "
			    "holds a control character)", path, i);
		v[(*n)++] = xstrdup(config_setting_get_string(e));
	}
	return 0;
}

static int	parse_group(struct parse *, const config_setting_t *,
		    const struct cfg_table *, void *);

static int
set_list(struct parse *p, const struct cfg_key *k, const config_setting_t *s,
    void *base)
{
	const struct cfg_table	*t = k->sub;
	const config_setting_t	*e;
	char			*elems = (char *)base + k->off;
	size_t			*n = (size_t *)((char *)base + k->aux_off);
	char			 path[256], err[ERR_LEN];
	int			 i, len;

	setting_path(s, path, sizeof(path));
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return perr(p, s, "%s must be a list: ( { ... }, ... )", path);
	len = config_setting_length(s);
	if ((uint64_t)len > k->max)
		return perr(p, s, "%s has more than %llu entries", path,
		    (unsigned long long)k->max);
	if (k->flags & CFG_F_ALLOC) {
		*(void **)elems = xcalloc((size_t)len + 1, t->size);
		elems = *(char **)elems;
	}
	for (i = 0; i < len; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		apply_defaults(t, elems + (size_t)i * t->size);
		*n = (size_t)i + 1;
		if (parse_group(p, e, t, elems + (size_t)i * t->size) == -1)
			return -1;
		if (t->elem_ok != NULL && t->elem_ok(elems, (size_t)i, err) == -1)
			return perr(p, e, "%s", err);
	}
	return 0;
}

/* the key of table t a setting called `name` sets, or NULL */
static const struct cfg_key *
find_key(const struct cfg_table *t, const char *name)
{
	size_t	i;
	char	file_name[64];

	for (i = 0; i < t->nkeys; i++) {
		if (t->keys[i].flags & CFG_F_DUMPONLY)
			continue;
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
		snprintf(file_name, sizeof(file_name), "%s_file",
		    t->keys[i].name);
		if (t->keys[i].type == CFGT_SECRET &&
		    strcmp(file_name, name) == 0)
			return &t->keys[i];
	}
	return NULL;
}

static int
set_key(struct parse *p, const struct cfg_table *t, const struct cfg_key *k,
    const config_setting_t *s, void *base)
{
	char	*dst = (char *)base + k->off;

	switch (k->type) {
	case CFGT_STRING:
		return set_text(p, t, k, s, dst);
	case CFGT_SECRET:
		return set_secret(p, k, s, base);
	case CFGT_STRLIST:
		return set_strlist(p, k, s, base);
	case CFGT_LIST:
		return set_list(p, k, s, base);
	case CFGT_GROUP:
		return parse_group(p, s, k->sub, dst);
	default:
		return set_scalar(p, k, s, dst);
	}
}

/* Apply every setting of group `g` through table t onto base. */
static int
parse_group(struct parse *p, const config_setting_t *g,
    const struct cfg_table *t, void *base)
{
	const config_setting_t	*s;
	const struct cfg_key	*k;
	char			 path[256];
	int			 n, j;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return perr(p, g, "%s must be a group: { ... }",
		    setting_path(g, path, sizeof(path)));
	n = config_setting_length(g);
	for (j = 0; j < n; j++) {
		s = config_setting_get_elem(g, (unsigned)j);
		if ((k = find_key(t, config_setting_name(s))) == NULL)
			return perr(p, s, "unknown key %s",
			    setting_path(s, path, sizeof(path)));
		if (set_key(p, t, k, s, base) == -1)
			return -1;
	}
	return 0;
}

/* checks across keys ----------------------------------------------------- */

/* the setting a check blames: "bmc.hosts[2]" -> that element, or nearest */
static const config_setting_t *
blame(const config_t *cf, const char *at)
{
	const config_setting_t	*s = config_root_setting(cf), *n;
	char			 buf[256], *tok, *save = NULL, *br;

	snprintf(buf, sizeof(buf), "%s", at);
	for (tok = strtok_r(buf, ".", &save); tok != NULL;
	    tok = strtok_r(NULL, ".", &save)) {
		if ((br = strchr(tok, '[')) != NULL)
			*br++ = '\0';
		if ((n = config_setting_get_member(s, tok)) == NULL)
			return config_setting_is_root(s) ? NULL : s;
		s = n;
		if (br != NULL) {
			if ((n = config_setting_get_elem(s,
			    (unsigned)atoi(br))) == NULL)
				return s;
			s = n;
		}
	}
	return s;
}

static int
run_checks(struct parse *p, const config_t *cf, const struct cfg_table *t,
    const struct config *c)
{
	char	at[256] = "", e[ERR_LEN];
	size_t	i;

	if (t->check != NULL && t->check(c, at, sizeof(at), e) == -1)
		return perr(p, blame(cf, at), "%s", e);
	for (i = 0; i < t->nkeys; i++)
		if (t->keys[i].type == CFGT_GROUP &&
		    run_checks(p, cf, t->keys[i].sub, c) == -1)
			return -1;
	return 0;
}

/* loading ---------------------------------------------------------------- */

int
config_load(struct config *out, const char *path, char *err)
{
	config_t	 cf;
	struct config	*c;
	struct parse	 p = { path, err };
	char		*text, e2[ERR_LEN];
	int		 rc = -1;

	if ((text = config_read_private(path, err)) == NULL)
		return -1;
	c = xcalloc(1, sizeof(*c));
	config_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", path);
	config_init(&cf);
	if (!config_read_string(&cf, text)) {
		set_err(err, "%s:%d: %s", config_error_file(&cf) ?
		    config_error_file(&cf) : path, config_error_line(&cf),
		    config_error_text(&cf));
		goto out;
	}
	if (parse_group(&p, config_root_setting(&cf), &config_root_table,
	    c) == -1)
		goto out;
	if (run_checks(&p, &cf, &config_root_table, c) == -1)
		goto out;
	if (db_config_resolve(&c->db, e2) == -1) {
		set_err(err, "%s: %s", path, e2);
		goto out;
	}
	bmc_oobm_resolve(c);
	*out = *c;
	explicit_bzero(c, sizeof(*c));
	rc = 0;
out:
	if (rc == -1)
		config_free(c);
	config_destroy(&cf);
	explicit_bzero(text, strlen(text));	/* may hold passwords */
	free(text);
	free(c);
	return rc;
}

void
config_free(struct config *c)
{
	size_t	i;

	for (i = 0; i < c->sweep.noptout; i++)
		free(c->sweep.optout[i]);
	c->sweep.noptout = 0;
	if (c->bmc.hosts != NULL) {
		explicit_bzero(c->bmc.hosts, c->bmc.nhosts * sizeof(*c->bmc.hosts));
		free(c->bmc.hosts);
	}
	c->bmc.hosts = NULL;
	c->bmc.nhosts = 0;
	explicit_bzero(c->db.password, sizeof(c->db.password));
	explicit_bzero(c->bmc.password, sizeof(c->bmc.password));
	explicit_bzero(c->bmc.oobm_secret, sizeof(c->bmc.oobm_secret));
}
