/*
 * cs_properties.c -- read CloudStack's db.properties and management key
 * into struct cs_db_creds; see cs_properties.h for the rules.
 *
 * The parser follows java.util.Properties closely enough for the files
 * CloudStack writes: '#'/'!' comments, key and value split at the first
 * unescaped '=', ':' or blank, backslash line continuation, the escapes
 * \t \n \r \f \uXXXX and \<char>; a later key overrides an earlier one.
 * Only the db.cloud.* keys hawatch uses are kept.
 *
 * Files are opened first and checked with fstat on the open descriptor,
 * so the file checked is the file read.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "config.h"
#include "cs_properties.h"

#define CS_MAX_FILE	(1024 * 1024)	/* db.properties is ~5 KiB */
#define CS_MODE_MAX	0640		/* CloudStack's packaging: root:cloud */

enum cs_key {
	K_HOST, K_PORT, K_USER, K_PASSWORD, K_NAME, K_ENC_TYPE, K_ENC_SECRET,
	K_ENC_VERSION, K_URI, K_COUNT
};

static const char *const cs_key_names[K_COUNT] = {
	"db.cloud.host", "db.cloud.port", "db.cloud.username",
	"db.cloud.password", "db.cloud.name", "db.cloud.encryption.type",
	"db.cloud.encrypt.secret", "db.cloud.encryptor.version",
	"db.cloud.uri",
};

struct cs_props {
	const char	*path;
	char		 val[K_COUNT][CS_STR];
	int		 line[K_COUNT];		/* 0: absent */
};

static void
cs_perr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cs_perr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Open and read a CloudStack secret file whole after checking it on the
 * open descriptor: regular, owned by owner, mode within 0640.
 */
static char *
cs_read_file(const char *path, const char *what, uid_t owner, size_t *len,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cs_perr(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		cs_perr(err, errlen, "%s %s: not a regular file", what, path);
		goto fail;
	}
	if (st.st_uid != owner) {
		cs_perr(err, errlen, "%s %s is owned by uid %u, not %u (root):"
		    " refused; run: chown root %s", what, path,
		    (unsigned)st.st_uid, (unsigned)owner, path);
		goto fail;
	}
	if ((st.st_mode & 07777 & ~CS_MODE_MAX) != 0) {
		cs_perr(err, errlen, "%s %s has mode %04o, more open than "
		    "%04o: refused; run: chmod 640 %s", what, path,
		    (unsigned)(st.st_mode & 07777), CS_MODE_MAX, path);
		goto fail;
	}
	if (st.st_size > CS_MAX_FILE) {
		cs_perr(err, errlen, "%s %s: larger than %d bytes", what, path,
		    CS_MAX_FILE);
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		cs_perr(err, errlen, "%s %s: out of memory", what, path);
		goto fail;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cs_perr(err, errlen, "%s %s: %s", what, path,
			    strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*len = got;
	close(fd);
	return buf;
fail:
	if (buf != NULL) {
		OPENSSL_cleanse(buf, (size_t)st.st_size + 1);
		free(buf);
	}
	close(fd);
	return NULL;
}

/* Append code point cp as UTF-8. */
static size_t
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/*
 * One escape after a backslash at *pp (pointing past it); writes to o.
 * Returns bytes written, or -1 for a malformed \uXXXX.
 */
static int
unescape_one(const char **pp, const char *end, char *o)
{
	const char	*p = *pp;
	unsigned	 cp = 0;
	int		 i;

	switch (*p) {
	case 't': *o = '\t'; break;
	case 'n': *o = '\n'; break;
	case 'r': *o = '\r'; break;
	case 'f': *o = '\f'; break;
	case 'u':
		for (i = 1; i <= 4; i++) {
			char c = p + i < end ? p[i] : '\0';

			if (c >= '0' && c <= '9')
				cp = cp * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				cp = cp * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				return -1;
		}
		*pp = p + 5;
		return (int)put_utf8(o, cp);
	default: *o = *p; break;
	}
	*pp = p + 1;
	return 1;
}

/*
 * Join one logical line starting at *pp into lbuf (continuations
 * resolved, escapes kept), advancing *pp and *lineno.
 */
static size_t
logical_line(const char **pp, const char *end, char *lbuf, size_t cap,
    int *lineno)
{
	const char	*p = *pp;
	size_t		 n = 0;

	for (;;) {
		const char	*eol = p;
		size_t		 bs = 0;

		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		for (const char *q = eol; q > p && q[-1] == '\\'; q--)
			bs++;
		if (n + (size_t)(eol - p) < cap) {
			memcpy(lbuf + n, p, (size_t)(eol - p));
			n += (size_t)(eol - p);
		}
		if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
			eol++;
		p = eol < end ? eol + 1 : end;
		(*lineno)++;
		if (bs % 2 == 0 || p >= end)
			break;
		n--;				/* drop the continuation '\' */
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\f'))
			p++;
	}
	*pp = p;
	lbuf[n < cap ? n : cap - 1] = '\0';
	return n < cap ? n : cap - 1;
}

/* Unescape s[0..n) into o (cap bytes); -1 on a bad escape or overflow */
static int
unescape(const char *s, const char *end, char *o, size_t cap)
{
	size_t	n = 0;
	char	tmp[4];
	int	w;

	while (s < end) {
		if (*s != '\\' || s + 1 >= end) {
			tmp[0] = *s++;
			w = 1;
		} else {
			s++;
			if ((w = unescape_one(&s, end, tmp)) == -1)
				return -1;
		}
		if (n + (size_t)w >= cap)
			return -1;
		memcpy(o + n, tmp, (size_t)w);
		n += (size_t)w;
	}
	o[n] = '\0';
	return 0;
}

static int
parse_line(struct cs_props *pr, const char *l, size_t n, int lineno,
    char *err, size_t errlen)
{
	const char	*end = l + n, *k, *ke, *v;
	char		 key[CS_STR];
	int		 i;

	while (l < end && (*l == ' ' || *l == '\t' || *l == '\f'))
		l++;
	if (l == end || *l == '#' || *l == '!')
		return 0;
	for (k = ke = l; ke < end; ke++) {
		if (*ke == '\\' && ke + 1 < end)
			ke++;
		else if (*ke == '=' || *ke == ':' || *ke == ' ' ||
		    *ke == '\t' || *ke == '\f')
			break;
	}
	for (v = ke; v < end && (*v == ' ' || *v == '\t' || *v == '\f'); v++)
		;
	if (v < end && (*v == '=' || *v == ':'))
		v++;
	while (v < end && (*v == ' ' || *v == '\t' || *v == '\f'))
		v++;
	if (unescape(k, ke, key, sizeof(key)) == -1)
		return 0;			/* not a key we use */
	for (i = 0; i < K_COUNT; i++)
		if (strcmp(key, cs_key_names[i]) == 0)
			break;
	if (i == K_COUNT)
		return 0;
	if (unescape(v, end, pr->val[i], sizeof(pr->val[i])) == -1) {
		cs_perr(err, errlen, "db.properties %s:%d: %s: bad escape or "
		    "value longer than %d bytes", pr->path, lineno,
		    cs_key_names[i], CS_STR - 1);
		return -1;
	}
	pr->line[i] = lineno;
	return 0;
}

static int
parse_props(struct cs_props *pr, const char *buf, size_t len, char *err,
    size_t errlen)
{
	const char	*p = buf, *end = buf + len;
	char		 lbuf[4 * CS_STR];
	int		 lineno = 0, start, rc = 0;
	size_t		 n;

	while (p < end && rc == 0) {
		start = lineno + 1;
		n = logical_line(&p, end, lbuf, sizeof(lbuf), &lineno);
		rc = parse_line(pr, lbuf, n, start, err, errlen);
	}
	OPENSSL_cleanse(lbuf, sizeof(lbuf));
	return rc;
}

/* The management server key named by db.cloud.encryption.type. */
static int
load_secret(const struct cs_props *pr, uid_t owner, char *secret, size_t cap,
    char *src, size_t srclen, char *err, size_t errlen)
{
	const char	*type = pr->val[K_ENC_TYPE];
	char		 dir[PATH_MAX], keypath[PATH_MAX + 8], *buf;
	size_t		 len = 0, n;

	if (strcmp(type, "env") == 0) {
		const char *e = getenv(CS_ENV_KEY);

		if (e == NULL || *e == '\0' || strlen(e) >= cap) {
			cs_perr(err, errlen, "db.properties %s:%d: "
			    "db.cloud.encryption.type=env but %s is %s",
			    pr->path, pr->line[K_ENC_TYPE], CS_ENV_KEY,
			    e == NULL || *e == '\0' ? "unset or empty" :
			    "too long");
			return -1;
		}
		memcpy(secret, e, strlen(e) + 1);
		snprintf(src, srclen, "key from $%s", CS_ENV_KEY);
		return 0;
	}
	if (strcmp(type, "web") == 0) {
		cs_perr(err, errlen, "db.properties %s:%d: "
		    "db.cloud.encryption.type=web is not supported (the key is "
		    "typed into CloudStack's port 8097 at start): use file or "
		    "env, or set database.user and database.password",
		    pr->path, pr->line[K_ENC_TYPE]);
		return -1;
	}
	if (strcmp(type, "file") != 0) {
		cs_perr(err, errlen, "db.properties %s:%d: "
		    "db.cloud.encryption.type: unknown value \"%.32s\" "
		    "(none, file, env or web)", pr->path,
		    pr->line[K_ENC_TYPE], type);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", pr->path);
	if (snprintf(keypath, sizeof(keypath), "%s/key", dirname(dir)) >=
	    (int)sizeof(keypath)) {
		cs_perr(err, errlen, "db.properties %s: path too long", pr->path);
		return -1;
	}
	if ((buf = cs_read_file(keypath, "key file", owner, &len, err,
	    errlen)) == NULL)
		return -1;
	n = strcspn(buf, "\r\n");		/* Java readLine(): line 1 */
	if (n == 0 || n >= cap) {
		cs_perr(err, errlen, "key file %s: first line is %s", keypath,
		    n == 0 ? "empty" : "too long");
		OPENSSL_cleanse(buf, len);
		free(buf);
		return -1;
	}
	memcpy(secret, buf, n);
	secret[n] = '\0';
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (snprintf(src, srclen, "key file %s", keypath) >= (int)srclen)
		src[0] = '\0';			/* too long to show */
	return 0;
}

/* Decrypt the ENC() property k in place; "what failed" names file:line */
static int
decrypt_prop(struct cs_props *pr, int k, const char *secret, char *err,
    size_t errlen)
{
	char	plain[CS_STR], why[384];

	if (!cs_is_enc(pr->val[k]))
		return 0;
	if (secret == NULL) {
		cs_perr(err, errlen, "db.properties %s:%d: %s is ENC(...) but "
		    "db.cloud.encryption.type is none", pr->path, pr->line[k],
		    cs_key_names[k]);
		return -1;
	}
	if (cs_decrypt_property(secret, pr->val[k], plain, sizeof(plain), why,
	    sizeof(why)) == -1) {
		cs_perr(err, errlen, "db.properties %s:%d: %s: %s", pr->path,
		    pr->line[k], cs_key_names[k], why);
		return -1;
	}
	memcpy(pr->val[k], plain, sizeof(plain));
	OPENSSL_cleanse(plain, sizeof(plain));
	return 0;
}

static int
fill_creds(const struct cs_props *pr, struct cs_db_creds *out, char *err,
    size_t errlen)
{
	char	*end;
	long	 port = 3306;

	if (pr->line[K_URI] != 0 && pr->val[K_URI][0] != '\0') {
		cs_perr(err, errlen, "db.properties %s:%d: db.cloud.uri is set;"
		    " hawatch reads only db.cloud.host/port/name: set "
		    "database.host, port, user and password in hawatch.conf",
		    pr->path, pr->line[K_URI]);
		return -1;
	}
	if (pr->val[K_HOST][0] == '\0' || pr->val[K_USER][0] == '\0') {
		int k = pr->val[K_HOST][0] == '\0' ? K_HOST : K_USER;

		cs_perr(err, errlen, "db.properties %s: %s is missing or empty",
		    pr->path, cs_key_names[k]);
		return -1;
	}
	if (pr->val[K_PORT][0] != '\0') {
		errno = 0;
		port = strtol(pr->val[K_PORT], &end, 10);
		if (errno != 0 || *end != '\0' || port < 1 || port > 65535) {
			cs_perr(err, errlen, "db.properties %s:%d: db.cloud.port:"
			    " \"%.16s\" is not a port number", pr->path,
			    pr->line[K_PORT], pr->val[K_PORT]);
			return -1;
		}
	}
	if (cs_enc_version_parse(pr->val[K_ENC_VERSION], &out->db_version,
	    NULL, 0) == -1) {
		cs_perr(err, errlen, "db.properties %s:%d: "
		    "db.cloud.encryptor.version: \"%.16s\" is not V1, V2 or "
		    "empty", pr->path, pr->line[K_ENC_VERSION],
		    pr->val[K_ENC_VERSION]);
		return -1;
	}
	out->port = (unsigned)port;
	memcpy(out->host, pr->val[K_HOST], CS_STR);
	memcpy(out->user, pr->val[K_USER], CS_STR);
	memcpy(out->password, pr->val[K_PASSWORD], CS_STR);
	memcpy(out->name, pr->val[K_NAME][0] ? pr->val[K_NAME] : "cloud",
	    pr->val[K_NAME][0] ? CS_STR : sizeof("cloud"));
	memcpy(out->db_secret, pr->val[K_ENC_SECRET], CS_STR);
	return 0;
}

int
cs_properties_load_owned(const char *path, uid_t owner,
    struct cs_db_creds *out, char *err, size_t errlen)
{
	struct cs_props	*pr;
	char		 secret[CS_STR], keysrc[CS_STR] = "";
	char		*buf;
	size_t		 len = 0;
	int		 rc = -1, k;

	memset(out, 0, sizeof(*out));
	if ((buf = cs_read_file(path, "db.properties", owner, &len, err,
	    errlen)) == NULL)
		return -1;
	pr = calloc(1, sizeof(*pr));
	if (pr == NULL) {
		cs_perr(err, errlen, "db.properties %s: out of memory", path);
		goto out;
	}
	pr->path = path;
	if (parse_props(pr, buf, len, err, errlen) == -1)
		goto out;
	out->encrypted = pr->val[K_ENC_TYPE][0] != '\0' &&
	    strcmp(pr->val[K_ENC_TYPE], "none") != 0;
	if (out->encrypted && load_secret(pr, owner, secret, sizeof(secret),
	    keysrc, sizeof(keysrc), err, errlen) == -1)
		goto out;
	for (k = 0; k < K_COUNT; k++)
		if (decrypt_prop(pr, k, out->encrypted ? secret : NULL, err,
		    errlen) == -1)
			goto out;
	if (fill_creds(pr, out, err, errlen) == -1)
		goto out;
	if (snprintf(out->source, sizeof(out->source), "db.properties %s%s%s",
	    path, keysrc[0] ? ", " : "", keysrc) >= (int)sizeof(out->source))
		snprintf(out->source, sizeof(out->source), "db.properties");
	rc = 0;
out:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (pr != NULL) {
		OPENSSL_cleanse(pr, sizeof(*pr));
		free(pr);
	}
	if (rc == -1)
		cs_db_creds_clear(out);
	return rc;
}

int
cs_properties_load(const char *path, struct cs_db_creds *out, char *err,
    size_t errlen)
{
	return cs_properties_load_owned(path, 0, out, err, errlen);
}

int
cs_oobm_password_decrypt(const struct cs_db_creds *c, const char *stored,
    char *out, size_t outlen, char *err, size_t errlen)
{
	char	why[384];

	if (!c->encrypted || stored == NULL || *stored == '\0') {
		const char *s = stored == NULL ? "" : stored;

		if (strlen(s) + 1 > outlen) {
			cs_perr(err, errlen, "oobm.password: longer than %zu "
			    "bytes", outlen - 1);
			return -1;
		}
		memcpy(out, s, strlen(s) + 1);
		return 0;
	}
	if (c->db_secret[0] == '\0') {
		cs_perr(err, errlen, "oobm.password: db.cloud.encrypt.secret is"
		    " empty in db.properties, cannot decrypt");
		return -1;
	}
	if (cs_decrypt(c->db_secret, c->db_version, stored, out, outlen, why,
	    sizeof(why)) == -1) {
		cs_perr(err, errlen, "oobm.password: %s (key: "
		    "db.cloud.encrypt.secret)", why);
		return -1;
	}
	return 0;
}

void
cs_db_creds_apply(const struct cs_db_creds *c, struct db_config *db)
{
	snprintf(db->host, sizeof(db->host), "%s", c->host);
	db->socket[0] = '\0';
	db->port = c->port;
	snprintf(db->user, sizeof(db->user), "%s", c->user);
	snprintf(db->password, sizeof(db->password), "%s", c->password);
	db->has_password = 1;
	snprintf(db->name, sizeof(db->name), "%s", c->name);
}

int
cs_db_config_from_properties(struct db_config *db, const char *path,
    char *source, size_t srclen, char *err, size_t errlen)
{
	struct cs_db_creds	c;

	if (cs_properties_load(path, &c, err, errlen) == -1)
		return -1;
	cs_db_creds_apply(&c, db);
	if (source != NULL && srclen > 0)
		snprintf(source, srclen, "%s", c.source);
	cs_db_creds_clear(&c);
	return 0;
}

void
cs_db_creds_clear(struct cs_db_creds *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}
