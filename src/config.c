/*
 * config.c -- load and validate hawatch.conf (libconfig), see config.h.
 *
 * Each group is described by a key table (name, type, where it lands,
 * bounds).  Parsing walks the file's settings, not the table, so an unknown
 * key is an error that names its line instead of being silently ignored.
 * Every error is "file:line: reason" and leaves the caller's config as it
 * was (config_load fills a scratch copy and swaps it in on success).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

#include "config.h"
#include "defaults.h"
#include "ipmi.h"
#include "policy.h"
#include "util.h"

enum key_type {
	KT_STR,		/* char[size] */
	KT_UINT,	/* unsigned, bounds min..max */
	KT_DUR,		/* uint64_t ms from "150s" etc, bounds min..max ms */
	KT_BOOL,	/* int */
	KT_FRACTION,	/* unsigned permille from a float 0..1 */
};

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 off;
	size_t		 size;
	uint64_t	 min, max;
};

#define K(n, t, st, f, lo, hi) \
	{ n, t, offsetof(struct st, f), sizeof(((struct st *)0)->f), lo, hi }

#define MS_HOUR	(3600ull * 1000)
#define MS_DAY	(24 * MS_HOUR)

static const struct key db_keys[] = {
	K("host", KT_STR, db_config, host, 0, 0),
	K("port", KT_UINT, db_config, port, 1, 65535),
	K("socket", KT_STR, db_config, socket, 0, 0),
	K("user", KT_STR, db_config, user, 0, 0),
	K("name", KT_STR, db_config, name, 0, 0),
	K("hawatch_name", KT_STR, db_config, hawatch_name, 0, 0),
	K("connect_timeout", KT_UINT, db_config, connect_timeout_s, 1, 300),
	K("read_timeout", KT_UINT, db_config, read_timeout_s, 1, 3600),
	K("write_timeout", KT_UINT, db_config, write_timeout_s, 1, 3600),
	K("lock_wait_timeout", KT_UINT, db_config, lock_wait_timeout_s, 1,
	    3600),
	K("ms_dead_after", KT_DUR, db_config, ms_dead_after_ms, 1000, MS_DAY),
};

static const struct key daemon_keys[] = {
	K("tick_interval", KT_DUR, daemon_config, tick_interval_ms, 50,
	    60000),
	K("dead_after", KT_DUR, daemon_config, dead_after_ms, 1000, MS_DAY),
	K("startup_grace", KT_DUR, daemon_config, startup_grace_ms, 0, MS_DAY),
	K("fence_quiet", KT_DUR, daemon_config, fence_quiet_ms, 0, MS_DAY),
	K("fence_max_attempts", KT_UINT, daemon_config, fence_max_attempts, 1,
	    100),
	K("fence_timeout", KT_DUR, daemon_config, fence_timeout_ms, 1000,
	    MS_HOUR),
	K("bmc_poll_interval", KT_DUR, daemon_config, bmc_poll_interval_ms,
	    100, MS_HOUR),
	K("storm_guard", KT_BOOL, daemon_config, storm_guard, 0, 1),
	K("storm_fraction", KT_FRACTION, daemon_config,
	    storm_fraction_permille, 1, 1000),
	K("self_fence_after", KT_DUR, daemon_config, self_fence_after_ms, 0,
	    MS_DAY),
	K("rearm_after", KT_DUR, daemon_config, rearm_after_ms, 0, MS_DAY),
	K("heartbeat_read_deadline", KT_DUR, daemon_config,
	    hb_read_deadline_ms, 100, 60000),
	K("leader_retry", KT_DUR, daemon_config, leader_retry_ms, 100, 60000),
	K("status_file", KT_STR, daemon_config, status_file, 0, 0),
	K("instance_name", KT_STR, daemon_config, instance_name, 0, 0),
	K("agent_heartbeat_interval", KT_DUR, daemon_config,
	    agent_hb_interval_ms, 100, MS_HOUR),
	K("agent_heartbeat_timeout", KT_DUR, daemon_config,
	    agent_hb_timeout_ms, 100, MS_HOUR),
	K("agent_heartbeat_max_tries", KT_UINT, daemon_config,
	    agent_hb_max_tries, 1, 100),
	K("agent_heartbeat_retry_sleep", KT_DUR, daemon_config,
	    agent_hb_retry_sleep_ms, 0, MS_HOUR),
};

static const struct key bmc_keys[] = {
	K("user", KT_STR, bmc_config, user, 0, 0),
	K("port", KT_UINT, bmc_config, port, 1, 65535),
	K("cipher_suite", KT_UINT, bmc_config, cipher_suite, 0, 17),
	K("privilege", KT_STR, bmc_config, privilege, 0, 0),
	K("workarounds", KT_STR, bmc_config, workarounds, 0, 0),
	K("session_timeout", KT_DUR, bmc_config, session_timeout_ms, 100,
	    60000),
	K("retransmission_timeout", KT_DUR, bmc_config, retrans_timeout_ms, 50,
	    60000),
	K("use_oobm", KT_BOOL, bmc_config, use_oobm, 0, 1),
	K("workers", KT_UINT, bmc_config, workers, 1, 256),
};

static const struct key bmc_host_keys[] = {
	K("address", KT_STR, bmc_host_config, address, 0, 0),
	K("port", KT_UINT, bmc_host_config, port, 1, 65535),
	K("user", KT_STR, bmc_host_config, user, 0, 0),
	K("cipher_suite", KT_UINT, bmc_host_config, cipher_suite, 0, 17),
	K("privilege", KT_STR, bmc_host_config, privilege, 0, 0),
	K("workarounds", KT_STR, bmc_host_config, workarounds, 0, 0),
};

static const struct key sweep_keys[] = {
	K("enabled", KT_BOOL, sweep_config, enabled, 0, 1),
	K("interval", KT_DUR, sweep_config, interval_ms, 1000, MS_DAY),
	K("uri_template", KT_STR, sweep_config, uri_template, 0, 0),
	K("open_timeout", KT_DUR, sweep_config, open_timeout_ms, 100, 600000),
	K("call_timeout", KT_DUR, sweep_config, call_timeout_ms, 100, 600000),
	K("pause_grace", KT_DUR, sweep_config, pause_grace_ms, 0, MS_DAY),
	K("job_stall_after", KT_DUR, sweep_config, job_stall_after_ms, 1000,
	    MS_DAY),
	K("max_resume_attempts", KT_UINT, sweep_config, max_resume_attempts, 1,
	    100),
	K("resume_backoff", KT_DUR, sweep_config, resume_backoff_ms, 0,
	    MS_DAY),
	K("resume_settle", KT_DUR, sweep_config, resume_settle_ms, 0, 60000),
	K("backup_timeout", KT_DUR, sweep_config, backup_timeout_ms, 60000,
	    7 * MS_DAY),
	K("reap_stale_backups", KT_BOOL, sweep_config, reap_stale_backups, 0,
	    1),
};

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->log_level = LOG_LVL_INFO;

	strcpy(c->db.host, "127.0.0.1");
	c->db.port = 3306;
	strcpy(c->db.user, "cloud");
	strcpy(c->db.name, "cloud");
	strcpy(c->db.hawatch_name, "hawatch");
	c->db.connect_timeout_s = DB_CONNECT_TIMEOUT_S_DEFAULT;
	c->db.read_timeout_s = DB_READ_TIMEOUT_S_DEFAULT;
	c->db.write_timeout_s = DB_WRITE_TIMEOUT_S_DEFAULT;
	c->db.lock_wait_timeout_s = DB_LOCK_WAIT_S_DEFAULT;
	c->db.ms_dead_after_ms = MS_DEAD_AFTER_MS_DEFAULT;

	c->daemon.tick_interval_ms = TICK_MS_DEFAULT;
	c->daemon.dead_after_ms = DEAD_AFTER_MS_DEFAULT;
	c->daemon.startup_grace_ms = STARTUP_GRACE_MS_DEFAULT;
	c->daemon.fence_quiet_ms = FENCE_QUIET_MS_DEFAULT;
	c->daemon.fence_max_attempts = FENCE_MAX_ATTEMPTS_DEFAULT;
	c->daemon.fence_timeout_ms = FENCE_TIMEOUT_MS_DEFAULT;
	c->daemon.bmc_poll_interval_ms = BMC_POLL_INTERVAL_MS_DEFAULT;
	c->daemon.storm_guard = STORM_GUARD_ENABLED_DEFAULT;
	c->daemon.storm_fraction_permille = STORM_FRACTION_DEFAULT;
	c->daemon.self_fence_after_ms = 0;
	c->daemon.rearm_after_ms = REARM_AFTER_MS_DEFAULT;
	c->daemon.hb_read_deadline_ms = HB_READ_DEADLINE_MS_DEFAULT;
	c->daemon.leader_retry_ms = LEADER_RETRY_MS_DEFAULT;
	strcpy(c->daemon.status_file, "/run/hawatch/status.json");
	c->daemon.agent_hb_interval_ms = AGENT_HB_INTERVAL_MS_DEFAULT;
	c->daemon.agent_hb_timeout_ms = AGENT_HB_WRITE_TIMEOUT_MS_DEFAULT;
	c->daemon.agent_hb_max_tries = AGENT_HB_MAX_TRIES_DEFAULT;
	c->daemon.agent_hb_retry_sleep_ms = AGENT_HB_RETRY_SLEEP_MS_DEFAULT;

	c->use_cloudstack_pools = 1;

	strcpy(c->bmc.user, "admin");
	c->bmc.port = 623;
	c->bmc.cipher_suite = 3;
	strcpy(c->bmc.privilege, "operator");
	c->bmc.session_timeout_ms = BMC_SESSION_TIMEOUT_MS_DEFAULT;
	c->bmc.retrans_timeout_ms = BMC_RETRANS_TIMEOUT_MS_DEFAULT;
	c->bmc.use_oobm = 1;
	c->bmc.workers = BMC_WORKERS_DEFAULT;
	sol_conf_defaults(&c->bmc.sol);

	c->sweep.enabled = 1;
	c->sweep.interval_ms = SWEEP_INTERVAL_MS_DEFAULT;
	strcpy(c->sweep.uri_template, VIRT_URI_TEMPLATE_DEFAULT);
	c->sweep.open_timeout_ms = VIRT_OPEN_TIMEOUT_MS_DEFAULT;
	c->sweep.call_timeout_ms = VIRT_CALL_TIMEOUT_MS_DEFAULT;
	c->sweep.pause_grace_ms = PAUSE_GRACE_MS_DEFAULT;
	c->sweep.job_stall_after_ms = JOB_STALL_AFTER_MS_DEFAULT;
	c->sweep.max_resume_attempts = MAX_RESUME_ATTEMPTS_DEFAULT;
	c->sweep.resume_backoff_ms = RESUME_BACKOFF_MS_DEFAULT;
	c->sweep.resume_settle_ms = RESUME_SETTLE_MS_DEFAULT;
	c->sweep.backup_timeout_ms = BACKUP_TIMEOUT_MS_DEFAULT;
	c->sweep.reap_stale_backups = 0;
}

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

/* A file holding secrets must be a regular file only its owner can read. */
static int
check_private_file(const char *path, const char *what, char *err)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		set_err(err, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, "%s %s: not a regular file", what, path);
		return -1;
	}
	if ((st.st_mode & 0077) != 0) {
		set_err(err, "%s %s has mode %04o: group or others can access "
		    "it; run: chmod 600 %s", what, path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int
config_check_secret_file(const char *path, char *err)
{
	return check_private_file(path, "password file", err);
}

int
config_read_secret_file(const char *path, char *out, size_t len, char *err)
{
	char	buf[CFG_SECRET + 2];
	ssize_t	n;
	int	fd;

	if (config_check_secret_file(path, err) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		set_err(err, "password file %s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		set_err(err, "password file %s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	/* one line: drop the trailing newline (and a CR before it) */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (memchr(buf, '\n', (size_t)n) != NULL) {
		set_err(err, "password file %s: more than one line", path);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	if ((size_t)n >= len) {
		set_err(err, "password file %s: password longer than %zu bytes",
		    path, len - 1);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	memcpy(out, buf, (size_t)n + 1);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* --- the parser ------------------------------------------------------ */

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
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
set_key(struct parse *p, const struct key *k, const config_setting_t *s,
    void *base)
{
	char		 path[256], e[ERR_LEN];
	char		*dst = (char *)base + k->off;
	long long	 iv;
	uint64_t	 ms;
	double		 d;

	setting_path(s, path, sizeof(path));
	switch (k->type) {
	case KT_STR:
		return set_string(p, s, dst, k->size);
	case KT_UINT:
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return perr(p, s, "%s must be an integer", path);
		iv = config_setting_get_int64(s);
		if (iv < (long long)k->min || (uint64_t)iv > k->max)
			return perr(p, s, "%s = %lld is out of range %llu..%llu",
			    path, iv, (unsigned long long)k->min,
			    (unsigned long long)k->max);
		if (k->size == sizeof(int))
			*(unsigned *)dst = (unsigned)iv;
		else
			*(uint64_t *)dst = (uint64_t)iv;
		return 0;
	case KT_DUR:
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return perr(p, s, "%s must be a duration string with a "
			    "unit, e.g. \"30s\" or \"500ms\"", path);
		if (config_parse_duration(config_setting_get_string(s), &ms,
		    e) == -1)
			return perr(p, s, "%s: %s", path, e);
		if (ms < k->min || ms > k->max)
			return perr(p, s, "%s = %s is out of range %llums..%llums",
			    path, config_setting_get_string(s),
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
		if (k->size == sizeof(unsigned))
			*(unsigned *)dst = (unsigned)ms;	/* max <= 60000 */
		else
			*(uint64_t *)dst = ms;
		return 0;
	case KT_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return perr(p, s, "%s must be true or false", path);
		*(int *)dst = config_setting_get_bool(s);
		return 0;
	case KT_FRACTION:
		if (config_setting_type(s) != CONFIG_TYPE_FLOAT)
			return perr(p, s, "%s must be a number between 0 and 1, "
			    "e.g. 0.5", path);
		d = config_setting_get_float(s);
		if (d <= 0.0 || d > 1.0)
			return perr(p, s, "%s = %g must be > 0 and <= 1", path, d);
		*(unsigned *)dst = (unsigned)(d * 1000.0 + 0.5);
		return 0;
	}
	return perr(p, s, "%s: internal: bad key type", path);
}

/*
 * Apply every setting of group `g` through the key table; `extra` handles
 * keys the table does not know (password, lists) and returns 1 if it took
 * the key, 0 if unknown, -1 on error.
 */
typedef int	extra_fn(struct parse *, const config_setting_t *, void *);

static int
parse_group(struct parse *p, const config_setting_t *g, const struct key *keys,
    size_t nkeys, void *base, extra_fn *extra)
{
	const config_setting_t	*s;
	const char		*name;
	char			 path[256];
	size_t			 i;
	int			 n, j, r;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return perr(p, g, "%s must be a group: { ... }",
		    setting_path(g, path, sizeof(path)));
	n = config_setting_length(g);
	for (j = 0; j < n; j++) {
		s = config_setting_get_elem(g, (unsigned)j);
		name = config_setting_name(s);
		for (i = 0; i < nkeys; i++)
			if (strcmp(keys[i].name, name) == 0)
				break;
		if (i < nkeys) {
			if (set_key(p, &keys[i], s, base) == -1)
				return -1;
			continue;
		}
		r = extra != NULL ? extra(p, s, base) : 0;
		if (r == -1)
			return -1;
		if (r == 0)
			return perr(p, s, "unknown key %s",
			    setting_path(s, path, sizeof(path)));
	}
	return 0;
}

/* password = "..." or password_file = "..." into dst; 1 taken, 0 not ours */
static int
parse_password(struct parse *p, const config_setting_t *s, char *dst,
    size_t size, int *has)
{
	const char	*name = config_setting_name(s);
	char		 path[256], file[CFG_STR], e[ERR_LEN];

	if (strcmp(name, "password") != 0 && strcmp(name, "password_file") != 0)
		return 0;
	setting_path(s, path, sizeof(path));
	if (*has)
		return perr(p, s, "%s: give either password or password_file, "
		    "not both", path);
	if (strcmp(name, "password") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_STRING)
			return perr(p, s, "%s must be a string", path);
		if (strlen(config_setting_get_string(s)) >= size)
			return perr(p, s, "%s is too long", path);
		strcpy(dst, config_setting_get_string(s));
	} else {
		if (set_string(p, s, file, sizeof(file)) == -1)
			return -1;
		if (config_read_secret_file(file, dst, size, e) == -1)
			return perr(p, s, "%s: %s", path, e);
	}
	*has = 1;
	return 1;
}

static int
db_extra(struct parse *p, const config_setting_t *s, void *base)
{
	struct db_config	*db = base;

	return parse_password(p, s, db->password, sizeof(db->password),
	    &db->has_password);
}

static int
bmc_host_extra(struct parse *p, const config_setting_t *s, void *base)
{
	struct bmc_host_config	*h = base;
	const char		*name = config_setting_name(s);
	long long		 id;
	char			 e[ERR_LEN];
	int			 r;

	if ((r = sol_conf_key(s, NULL, &h->sol, e)) != 0)
		return r == -1 ? perr(p, s, "%s", e) : 1;

	if (strcmp(name, "host_id") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return perr(p, s, "bmc.hosts host_id must be an integer");
		id = config_setting_get_int64(s);
		if (id <= 0)
			return perr(p, s, "bmc.hosts host_id must be > 0");
		h->host_id = (uint64_t)id;
		return 1;
	}
	return parse_password(p, s, h->password, sizeof(h->password),
	    &h->has_password);
}

static int
bmc_extra(struct parse *p, const config_setting_t *s, void *base)
{
	struct bmc_config	*b = base;
	const config_setting_t	*e;
	struct bmc_host_config	*h;
	const char		*name = config_setting_name(s);
	int			 i, n;
	size_t			 k;
	char			 se[ERR_LEN];

	if ((i = sol_conf_key(s, &b->sol, NULL, se)) != 0)
		return i == -1 ? perr(p, s, "%s", se) : 1;
	if (strcmp(name, "hosts") != 0)
		return parse_password(p, s, b->password, sizeof(b->password),
		    &b->has_password);
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return perr(p, s, "bmc.hosts must be a list: ( { ... }, ... )");
	n = config_setting_length(s);
	if (n > CFG_MAX_BMC_HOSTS)
		return perr(p, s, "bmc.hosts has more than %d entries",
		    CFG_MAX_BMC_HOSTS);
	b->hosts = xcalloc((size_t)n, sizeof(*b->hosts));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		h = &b->hosts[i];
		h->cipher_suite = -1;
		sol_host_conf_defaults(&h->sol);
		b->nhosts = (size_t)i + 1;
		if (parse_group(p, e, bmc_host_keys, NELEM(bmc_host_keys), h,
		    bmc_host_extra) == -1)
			return -1;
		if (h->host_id == 0)
			return perr(p, e, "bmc.hosts[%d] needs host_id", i);
		for (k = 0; k < (size_t)i; k++)
			if (b->hosts[k].host_id == h->host_id)
				return perr(p, e, "bmc.hosts: host_id %llu "
				    "listed twice",
				    (unsigned long long)h->host_id);
	}
	return 1;
}

static int
sweep_extra(struct parse *p, const config_setting_t *s, void *base)
{
	struct sweep_config	*sw = base;
	const config_setting_t	*e;
	int			 i, n;

	if (strcmp(config_setting_name(s), "optout") != 0)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return perr(p, s, "sweep.optout must be a list of domain "
		    "names or uuids: [ \"i-2-10-VM\" ]");
	n = config_setting_length(s);
	if (n > CFG_MAX_OPTOUT)
		return perr(p, s, "sweep.optout has more than %d entries",
		    CFG_MAX_OPTOUT);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    *config_setting_get_string(e) == '\0')
			return perr(p, e, "sweep.optout[%d] must be a non-empty "
			    "string", i);
		sw->optout[sw->noptout++] = xstrdup(config_setting_get_string(e));
	}
	return 1;
}

static int
pool_extra(struct parse *p, const config_setting_t *s, void *base)
{
	struct pool_config	*pc = base;
	const char		*name = config_setting_name(s);
	long long		 id;

	if (strcmp(name, "id") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return perr(p, s, "pools id must be an integer");
		id = config_setting_get_int64(s);
		if (id <= 0)
			return perr(p, s, "pools id must be > 0");
		pc->id = (uint64_t)id;
		return 1;
	}
	if (strcmp(name, "cluster_id") == 0) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return perr(p, s, "pools cluster_id must be an integer");
		id = config_setting_get_int64(s);
		if (id <= 0)
			return perr(p, s, "pools cluster_id must be > 0");
		pc->cluster_id = (uint64_t)id;
		return 1;
	}
	if (strcmp(name, "url") == 0 || strcmp(name, "path") == 0) {
		if (pc->spec[0] != '\0')
			return perr(p, s, "pools: give url or path, not both");
		if (set_string(p, s, pc->spec, sizeof(pc->spec)) == -1)
			return -1;
		if (strcmp(name, "url") == 0 &&
		    strncmp(pc->spec, "nfs://", 6) != 0)
			return perr(p, s, "pools url must start with nfs://");
		if (strcmp(name, "path") == 0 && pc->spec[0] != '/')
			return perr(p, s, "pools path must be absolute");
		return 1;
	}
	return 0;
}

static int
parse_pools(struct parse *p, const config_setting_t *s, struct config *c)
{
	const config_setting_t	*e;
	struct pool_config	*pc;
	int			 i, n;
	size_t			 k;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return perr(p, s, "pools must be a list: ( { id = 1; url = "
		    "\"nfs://...\"; }, ... )");
	n = config_setting_length(s);
	if (n > CFG_MAX_POOLS)
		return perr(p, s, "pools has more than %d entries",
		    CFG_MAX_POOLS);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned)i);
		pc = &c->pools[i];
		if (parse_group(p, e, NULL, 0, pc, pool_extra) == -1)
			return -1;
		if (pc->id == 0 || pc->spec[0] == '\0')
			return perr(p, e, "pools[%d] needs id and url or path",
			    i);
		for (k = 0; k < (size_t)i; k++)
			if (c->pools[k].id == pc->id)
				return perr(p, e, "pools: id %llu listed twice",
				    (unsigned long long)pc->id);
		pc->from_config = 1;
		c->npools = (size_t)i + 1;
	}
	return 0;
}

static int
parse_root(struct parse *p, const config_setting_t *root, struct config *c)
{
	const config_setting_t	*s;
	const char		*name;
	int			 i, n;

	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(root, (unsigned)i);
		name = config_setting_name(s);
		if (strcmp(name, "log_level") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_STRING ||
			    log_level_parse(config_setting_get_string(s),
			    &c->log_level) == -1)
				return perr(p, s, "log_level must be one of "
				    "\"debug\", \"info\", \"warn\", \"error\"");
		} else if (strcmp(name, "use_cloudstack_pools") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL)
				return perr(p, s, "use_cloudstack_pools must be "
				    "true or false");
			c->use_cloudstack_pools = config_setting_get_bool(s);
		} else if (strcmp(name, "database") == 0) {
			if (parse_group(p, s, db_keys, NELEM(db_keys), &c->db,
			    db_extra) == -1)
				return -1;
		} else if (strcmp(name, "daemon") == 0) {
			if (parse_group(p, s, daemon_keys, NELEM(daemon_keys),
			    &c->daemon, NULL) == -1)
				return -1;
		} else if (strcmp(name, "bmc") == 0) {
			if (parse_group(p, s, bmc_keys, NELEM(bmc_keys),
			    &c->bmc, bmc_extra) == -1)
				return -1;
		} else if (strcmp(name, "sweep") == 0) {
			if (parse_group(p, s, sweep_keys, NELEM(sweep_keys),
			    &c->sweep, sweep_extra) == -1)
				return -1;
		} else if (strcmp(name, "pools") == 0) {
			if (parse_pools(p, s, c) == -1)
				return -1;
		} else
			return perr(p, s, "unknown key %s", name);
	}
	return 0;
}

static int
is_identifier(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/* BMC privilege and workaround names, globally and per host */
static int
validate_bmc(struct parse *p, const config_t *cf, struct config *c)
{
	config_setting_t	*bmc = config_lookup(cf, "bmc");
	config_setting_t	*hosts, *at;
	char			 e[ERR_LEN];
	unsigned		 wa;
	size_t			 i;
	int			 pr;

	if (ipmi_privilege_parse(c->bmc.privilege, &pr, e) == -1)
		return perr(p, bmc ? config_setting_lookup(bmc, "privilege") :
		    NULL, "bmc.privilege: %s", e);
	if (ipmi_workarounds_parse(c->bmc.workarounds, &wa, e) == -1)
		return perr(p, bmc ? config_setting_lookup(bmc, "workarounds") :
		    NULL, "bmc.workarounds: %s", e);
	hosts = bmc ? config_setting_lookup(bmc, "hosts") : NULL;
	for (i = 0; i < c->bmc.nhosts; i++) {
		struct bmc_host_config *h = &c->bmc.hosts[i];

		at = hosts ? config_setting_get_elem(hosts, (unsigned)i) : NULL;
		if (h->privilege[0] != '\0' &&
		    ipmi_privilege_parse(h->privilege, &pr, e) == -1)
			return perr(p, at, "bmc.hosts[%zu] (host %llu) "
			    "privilege: %s", i, (unsigned long long)h->host_id,
			    e);
		if (h->workarounds[0] != '\0') {
			h->has_workarounds = 1;
			if (ipmi_workarounds_parse(h->workarounds, &wa,
			    e) == -1)
				return perr(p, at, "bmc.hosts[%zu] (host %llu) "
				    "workarounds: %s", i,
				    (unsigned long long)h->host_id, e);
		}
	}
	return 0;
}

/* Cross-field rules that no single key can check. */
static int
validate(struct parse *p, const config_t *cf, struct config *c)
{
	config_setting_t	*root = config_root_setting(cf);
	config_setting_t	*db = config_setting_lookup(root, "database");
	config_setting_t	*d = config_setting_lookup(root, "daemon");
	config_setting_t	*at;
	struct core_policy	 pol;
	char			 e[ERR_LEN];

	if (c->db.name[0] == '\0' || c->db.hawatch_name[0] == '\0')
		return perr(p, db, "database.name and database.hawatch_name "
		    "must not be empty");
	if (!is_identifier(c->db.name) || !is_identifier(c->db.hawatch_name))
		return perr(p, db, "database.name and database.hawatch_name "
		    "must be 1..64 letters, digits or underscores");
	if (strcmp(c->db.name, c->db.hawatch_name) == 0)
		return perr(p, db, "database.hawatch_name must differ from "
		    "database.name: hawatch never alters CloudStack's schema");
	if (c->db.host[0] == '\0' && c->db.socket[0] == '\0')
		return perr(p, db, "database needs host or socket");
	if (c->daemon.self_fence_after_ms != 0) {
		uint64_t min = calc_self_fence_min_ms(
		    c->daemon.agent_hb_interval_ms,
		    c->daemon.agent_hb_timeout_ms,
		    c->daemon.agent_hb_max_tries,
		    c->daemon.agent_hb_retry_sleep_ms);
		if (c->daemon.self_fence_after_ms < min) {
			at = d ? config_setting_lookup(d, "self_fence_after") :
			    NULL;
			return perr(p, at ? at : d, "daemon.self_fence_after = "
			    "%llums is below %llums, the latest the CloudStack "
			    "agent reboots itself after losing its heartbeat "
			    "(interval + tries x (timeout + retry sleep) + "
			    "margin); it would declare a host off that may "
			    "still run",
			    (unsigned long long)c->daemon.self_fence_after_ms,
			    (unsigned long long)min);
		}
	}
	if (c->daemon.dead_after_ms <= c->daemon.agent_hb_interval_ms) {
		at = d ? config_setting_lookup(d, "dead_after") : NULL;
		return perr(p, at ? at : d, "daemon.dead_after (%llums) must "
		    "exceed daemon.agent_heartbeat_interval (%llums), or every "
		    "host would look dead between two writes",
		    (unsigned long long)c->daemon.dead_after_ms,
		    (unsigned long long)c->daemon.agent_hb_interval_ms);
	}
	policy_from_config(c, &pol);
	if (core_policy_check(&pol, e) == -1)
		return perr(p, d, "daemon: %s", e);
	if (validate_bmc(p, cf, c) == -1)
		return -1;
	if (c->bmc.retrans_timeout_ms >= c->bmc.session_timeout_ms)
		return perr(p, config_setting_lookup(root, "bmc"),
		    "bmc.retransmission_timeout must be below "
		    "bmc.session_timeout");
	if (strstr(c->sweep.uri_template, "{ip}") == NULL &&
	    strncmp(c->sweep.uri_template, "test:///", 8) != 0)
		return perr(p, config_setting_lookup(root, "sweep"),
		    "sweep.uri_template must contain {ip}");
	return 0;
}

int
config_load(struct config *out, const char *path, char *err)
{
	config_t	 cf;
	struct config	*c;
	struct parse	 p = { path, err };
	const char	*efile;
	int		 rc = -1;

	if (check_private_file(path, "config file", err) == -1)
		return -1;
	c = xcalloc(1, sizeof(*c));
	config_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", path);
	config_init(&cf);
	if (!config_read_file(&cf, path)) {
		efile = config_error_file(&cf);
		set_err(err, "%s:%d: %s", efile ? efile : path,
		    config_error_line(&cf), config_error_text(&cf));
		goto out;
	}
	if (parse_root(&p, config_root_setting(&cf), c) == -1)
		goto out;
	if (validate(&p, &cf, c) == -1)
		goto out;
	*out = *c;
	explicit_bzero(c, sizeof(*c));
	rc = 0;
out:
	if (rc == -1)
		config_free(c);
	config_destroy(&cf);
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
}

int
config_dump(const struct config *c, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len,
	    "database: host=%s port=%u socket=%s user=%s name=%s "
	    "hawatch_name=%s password=%s\n"
	    "daemon: tick_interval=%llums dead_after=%llums "
	    "startup_grace=%llums fence_quiet=%llums fence_max_attempts=%u "
	    "fence_timeout=%llums bmc_poll_interval=%llums storm_guard=%s "
	    "storm_fraction=%u/1000 self_fence_after=%llums\n"
	    "pools: %zu from config, use_cloudstack_pools=%s\n"
	    "bmc: user=%s port=%u cipher_suite=%d privilege=%s "
	    "workarounds=%s password=%s hosts=%zu\n"
	    "sweep: enabled=%s interval=%llums uri_template=%s "
	    "pause_grace=%llums job_stall_after=%llums\n",
	    c->db.host, c->db.port, c->db.socket, c->db.user, c->db.name,
	    c->db.hawatch_name, c->db.password[0] ? "(set)" : "(none)",
	    (unsigned long long)c->daemon.tick_interval_ms,
	    (unsigned long long)c->daemon.dead_after_ms,
	    (unsigned long long)c->daemon.startup_grace_ms,
	    (unsigned long long)c->daemon.fence_quiet_ms,
	    c->daemon.fence_max_attempts,
	    (unsigned long long)c->daemon.fence_timeout_ms,
	    (unsigned long long)c->daemon.bmc_poll_interval_ms,
	    c->daemon.storm_guard ? "on" : "off",
	    c->daemon.storm_fraction_permille,
	    (unsigned long long)c->daemon.self_fence_after_ms,
	    c->npools, c->use_cloudstack_pools ? "yes" : "no",
	    c->bmc.user, c->bmc.port, c->bmc.cipher_suite, c->bmc.privilege,
	    c->bmc.workarounds[0] ? c->bmc.workarounds : "(none)",
	    c->bmc.has_password ? "(set)" : "(none)", c->bmc.nhosts,
	    c->sweep.enabled ? "yes" : "no",
	    (unsigned long long)c->sweep.interval_ms, c->sweep.uri_template,
	    (unsigned long long)c->sweep.pause_grace_ms,
	    (unsigned long long)c->sweep.job_stall_after_ms);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
