/*
 * model.c -- the HA-worker fixture's model of CloudStack's tables: the
 * names of its enums, the process state and its waits, SQL helpers on the
 * session (whose default schema is CloudStack's), the simulated cluster's
 * truth (--live-hosts-file), and the host, VM and zone rows with the VM
 * state transition VMInstanceDaoImpl.updateState writes (2.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

const char *
inv_mode_name(enum inv_mode m)
{
	switch (m) {
	case INV_HOSTHA:
		return "hostha";
	case INV_DB:
		return "db";
	}
	return "invalid";
}

const char *
agent_answer_name(enum agent_answer a)
{
	switch (a) {
	case AA_UP:
		return "Up";
	case AA_DOWN:
		return "Down";
	case AA_DISCONNECTED:
		return "Disconnected";
	case AA_NONE:
		return "none";
	}
	return "invalid";
}

const char *
vm_alive_name(enum vm_alive a)
{
	switch (a) {
	case VA_TRUE:
		return "true";
	case VA_FALSE:
		return "false";
	case VA_UNKNOWN:
		return "unknown";
	}
	return "invalid";
}

const char *
ha_exit_name(enum ha_exit e)
{
	switch (e) {
	case EX_NEWER_ROW:		return "newer_row";
	case EX_OTHER_RUNNING:		return "other_work_running";
	case EX_VM_NOT_FOUND:		return "vm_not_found";
	case EX_VM_ERROR:		return "vm_error_state";
	case EX_CANCELLED:		return "cancelled_host_up";
	case EX_VM_CHANGED:		return "vm_changed";
	case EX_HOST_CHANGED:		return "host_changed";
	case EX_HOST_GONE:		return "host_not_found";
	case EX_VM_MOVED:		return "vm_left_host";
	case EX_ALIVE_HOST_UP:		return "alive_host_up";
	case EX_ALIVE_HOST_NOT_UP:	return "alive_host_not_up";
	case EX_FENCE_FAILED:		return "fence_failed";
	case EX_NOT_HA:			return "ha_not_enabled";
	case EX_LOCAL_STORAGE:		return "cannot_restart_elsewhere";
	case EX_STARTED:		return "started";
	case EX_ALREADY_RUNNING:	return "already_running";
	case EX_START_FAILED:		return "start_failed";
	case EX_ZONE_HA_OFF:		return "vm_ha_disabled";
	case EX_ERROR:			return "error";
	case EX_UNSUPPORTED:		return "unsupported_type";
	}
	return "invalid";
}

/* the process state (haworker.h says who sets what) */
struct opts	opt;
atomic_int	stopping;
atomic_int	fatal;
pthread_mutex_t	mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t	cv;

/* --- waiting -------------------------------------------------------- */

/* Wait up to ms or until woken; 1 if the process is stopping. */
int
haw_wait(uint64_t ms)
{
	struct timespec	ts;
	uint64_t	ns;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns = (uint64_t)ts.tv_nsec + (ms % 1000) * 1000000u;
	ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	pthread_mutex_lock(&mu);
	if (!atomic_load(&stopping))
		pthread_cond_timedwait(&cv, &mu, &ts);
	pthread_mutex_unlock(&mu);
	return atomic_load(&stopping);
}

/* wakeupWorkers(): new work was scheduled by this MS */
void
haw_wakeup(void)
{
	pthread_mutex_lock(&mu);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

uint64_t
now_ticks(void)
{
	return clock_wall_ms() >> 10;
}

/* CloudStack adds the interval in seconds to ms>>10 ticks (3.4) */
uint64_t
retry_ticks(uint64_t ms)
{
	return (ms + 999) / 1000;
}

/* --- SQL helpers (the session's default schema is CloudStack's) ------ */

int
haw_connect(struct db *db, char *err)
{
	char	sql[CFG_STR + 16];

	if (db_connect(db, &opt.db, err) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "USE `%s`", opt.db.name);
	if (db_exec(db, "select schema", sql, NULL, err) == -1) {
		db_close(db);
		return -1;
	}
	return 0;
}

int
haw_exec(struct db *db, const char *what, unsigned long long *affected,
    char *err, const char *fmt, ...)
{
	va_list	ap;
	char	*s;
	int	r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	r = db_exec(db, what, s, affected, err);
	free(s);
	return r;
}

/* -1 error, 0 value, 1 no row / NULL */
int
haw_u64(struct db *db, const char *what, uint64_t *out, char *err,
    const char *fmt, ...)
{
	va_list	ap;
	char	*s;
	int	r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	r = db_query_u64(db, what, s, out, err);
	free(s);
	return r;
}

MYSQL_RES *
haw_query(struct db *db, const char *what, char *err, const char *fmt, ...)
{
	MYSQL_RES	*res;
	va_list		 ap;
	char		*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	res = db_query(db, what, s, err);
	free(s);
	return res;
}

/* "NULL" or the decimal id into buf (ids are > 0; 0 means NULL) */
const char *
id_sql(char *buf, size_t len, uint64_t id)
{
	if (id == 0)
		snprintf(buf, len, "NULL");
	else
		snprintf(buf, len, "%llu", (unsigned long long)id);
	return buf;
}

/* --- the simulated cluster's truth: --live-hosts-file ---------------- */


/* Re-read on each use; a missing file lists no host. */
void
idset_load(struct idset *s)
{
	FILE		*f;
	char		 line[64];
	uint64_t	 id;
	size_t		 cap = 0;

	memset(s, 0, sizeof(*s));
	if (opt.live_hosts_file == NULL) {
		s->all = 1;
		return;
	}
	if ((f = fopen(opt.live_hosts_file, "r")) == NULL) {
		if (errno != ENOENT)
			log_warn("live_hosts.unreadable", "file=%s "
			    "error=\"%s\"", opt.live_hosts_file,
			    strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, " \t\r\n#")] = '\0';
		if (line[0] == '\0' || parse_u64(line, &id) == -1 || id == 0)
			continue;
		if (s->n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((s->v = realloc(s->v, cap * sizeof(*s->v))) == NULL)
				abort();
		}
		s->v[s->n++] = id;
	}
	fclose(f);
}

int
idset_has(const struct idset *s, uint64_t id)
{
	size_t	i;

	if (s->all)
		return 1;
	for (i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return 1;
	return 0;
}

/* " AND <col> IN (..)" restricting to live hosts ("" when all) */
void
idset_sql(const struct idset *s, const char *col, struct sbuf *sb)
{
	size_t	i;

	if (s->all)
		return;
	sbuf_add(sb, " AND %s IN (0", col);	/* 0: never a host id */
	for (i = 0; i < s->n; i++)
		sbuf_add(sb, ",%llu", (unsigned long long)s->v[i]);
	sbuf_add(sb, ")");
}

/* --- rows ------------------------------------------------------------ */


void
cpy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* host row, removed or not (findByIdIncludingRemoved); 1 if none */
int
host_read(struct db *db, uint64_t id, struct host *h, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 r = 1;

	res = haw_query(db, "read host", err, "SELECT h.status, h.type, "
	    "h.removed IS NOT NULL, IFNULL(h.cluster_id, 0), h.update_count, "
	    "h.last_ping, IFNULL(h.mgmt_server_id, 0), c.id IS NOT NULL, "
	    "IFNULL(c.enabled, 0), IFNULL(c.ha_state, '') FROM host h "
	    "LEFT JOIN ha_config c ON c.resource_id = h.id AND "
	    "c.resource_type = 'Host' WHERE h.id = %llu",
	    (unsigned long long)id);
	if (res == NULL)
		return -1;
	memset(h, 0, sizeof(*h));
	if ((row = mysql_fetch_row(res)) != NULL) {
		h->id = id;
		cpy(h->status, sizeof(h->status), row[0]);
		cpy(h->type, sizeof(h->type), row[1]);
		h->removed = (int)row_u64(row, 2, 0);
		h->cluster_id = row_u64(row, 3, 0);
		h->update_count = row_u64(row, 4, 0);
		h->last_ping = row_u64(row, 5, 0);
		h->ms_id = row_u64(row, 6, 0);
		h->ha_row = (int)row_u64(row, 7, 0);
		h->ha_enabled = (int)row_u64(row, 8, 0);
		cpy(h->ha_state, sizeof(h->ha_state), row[9]);
		r = 0;
	}
	mysql_free_result(res);
	return r;
}

/* VM row, not removed (findById); 1 if none */
int
vm_read(struct db *db, uint64_t id, struct vm *v, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 r = 1;

	res = haw_query(db, "read vm", err, "SELECT instance_name, state, "
	    "type, IFNULL(host_id, 0), IFNULL(last_host_id, 0), update_count, "
	    "ha_enabled FROM vm_instance WHERE id = %llu AND removed IS NULL",
	    (unsigned long long)id);
	if (res == NULL)
		return -1;
	memset(v, 0, sizeof(*v));
	if ((row = mysql_fetch_row(res)) != NULL) {
		v->id = id;
		cpy(v->instance_name, sizeof(v->instance_name), row[0]);
		cpy(v->state, sizeof(v->state), row[1]);
		cpy(v->type, sizeof(v->type), row[2]);
		v->host_id = row_u64(row, 3, 0);
		v->last_host_id = row_u64(row, 4, 0);
		v->update_count = row_u64(row, 5, 0);
		v->ha_enabled = (int)row_u64(row, 6, 0);
		r = 0;
	}
	mysql_free_result(res);
	return r;
}


/*
 * One transition as VMInstanceDaoImpl.updateState writes it (2.1).
 * 0 done (or the row already holds the target state), 1 lost the race,
 * -1 DB error.  v is refreshed on success.
 */
int
vm_transit(struct db *db, struct vm *v, const char *to, uint64_t to_host,
    enum last_host lh, int power_on, char *err)
{
	struct sbuf		 sb;
	unsigned long long	 n;
	char			 from[32], h1[24], h2[24];
	uint64_t		 last = v->last_host_id;
	int			 r;

	if (lh == LH_OLD_HOST && v->host_id != 0)
		last = v->host_id;
	else if (lh == LH_NEW_HOST)
		last = to_host;
	cpy(from, sizeof(from), v->state);
	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE vm_instance SET state = ");
	db_quote(db, &sb, to);
	sbuf_add(&sb, ", host_id = %s, last_host_id = %s, update_time = "
	    "UTC_TIMESTAMP(), update_count = update_count + 1",
	    id_sql(h1, sizeof(h1), to_host), id_sql(h2, sizeof(h2), last));
	if (power_on)
		sbuf_add(&sb, ", power_state = 'PowerOn', power_host = %llu, "
		    "power_state_update_time = UTC_TIMESTAMP(), "
		    "power_state_update_count = power_state_update_count + 1",
		    (unsigned long long)to_host);
	sbuf_add(&sb, " WHERE id = %llu AND state = ",
	    (unsigned long long)v->id);
	db_quote(db, &sb, v->state);
	sbuf_add(&sb, " AND host_id <=> %s AND update_count = %llu",
	    id_sql(h1, sizeof(h1), v->host_id),
	    (unsigned long long)v->update_count);
	r = db_exec(db, "vm state transition", sb.s, &n, err);
	sbuf_free(&sb);
	if (r == -1)
		return -1;
	if ((r = vm_read(db, v->id, v, err)) == -1)
		return -1;
	if (r == 1 || (n == 0 && strcmp(v->state, to) != 0)) {
		log_warn("vm.state_conflict", "vm=%llu from=%s to=%s now=%s",
		    (unsigned long long)v->id, from, to, v->state);
		return 1;
	}
	log_info("vm.state", "vm=%llu from=%s to=%s host=%s update_count=%llu",
	    (unsigned long long)v->id, from, to, id_sql(h1, sizeof(h1),
	    v->host_id), (unsigned long long)v->update_count);
	return 0;
}

int
zone_ha_enabled(struct db *db, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 on = 1;

	res = haw_query(db, "read vm.ha.enabled", err, "SELECT value FROM "
	    "configuration WHERE name = 'vm.ha.enabled'");
	if (res == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		on = strcmp(row[0], "false") != 0;
	mysql_free_result(res);
	return on;
}

