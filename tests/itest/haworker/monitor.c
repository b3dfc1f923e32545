/*
 * monitor.c -- the HA-worker fixture's AgentManagerImpl (3.2, 2.5): agents
 * ping while their host is in the live-hosts file; after ping.interval x
 * ping.timeout of silence a host is investigated, marked Down or Alert,
 * and its VMs are scheduled for restart.  Listed hosts reconnect.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* --- AgentManagerImpl (3.2, 2.5) --------------------------------------- */

struct seen {
	uint64_t		id, last_ping_ms;
	enum agent_answer	last;
	int			answered;
};

static struct seen *
seen_get(struct seen **v, size_t *n, uint64_t id, uint64_t now)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].id == id)
			return &(*v)[i];
	if ((*v = realloc(*v, (*n + 1) * sizeof(**v))) == NULL)
		abort();
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].id = id;
	(*v)[*n].last_ping_ms = now;
	return &(*v)[(*n)++];
}

/* HostDaoImpl.updateState: optimistic; Down/Alert clear mgmt_server_id */
static int
host_transit(struct db *db, const struct host *h, const char *to, char *err)
{
	unsigned long long	n;
	struct sbuf		sb;
	int			r, lost = strcmp(to, "Up") != 0 &&
				    strcmp(to, "Connecting") != 0;

	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE host SET status = ");
	db_quote(db, &sb, to);
	sbuf_add(&sb, ", update_count = update_count + 1, mgmt_server_id = "
	    "%s%s WHERE id = %llu AND status = ",
	    lost ? "NULL" : "mgmt_server_id",
	    lost ? ", disconnected = UTC_TIMESTAMP()" : "",
	    (unsigned long long)h->id);
	db_quote(db, &sb, h->status);
	sbuf_add(&sb, " AND update_count = %llu AND last_ping = %llu",
	    (unsigned long long)h->update_count,
	    (unsigned long long)h->last_ping);
	r = db_exec(db, "host status", sb.s, &n, err);
	sbuf_free(&sb);
	if (r == -1)
		return -1;
	if (n == 0) {
		log_warn("host.state_conflict", "host=%llu from=%s to=%s",
		    (unsigned long long)h->id, h->status, to);
		return 1;
	}
	log_info("host.state", "host=%llu from=%s to=%s",
	    (unsigned long long)h->id, h->status, to);
	return 0;
}

/* scheduleRestart(vm, investigate=true, HostDown) for one VM */
static int
schedule_restart(struct db *db, const struct vm *v, uint64_t host_id,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	uint64_t	 now = now_ticks();
	unsigned	 tried = 0, t;
	int		 r;

	/* findPreviousHA: inherit tried while !canScheduleNew (3.2) */
	res = haw_query(db, "previous HA", err, "SELECT IFNULL(tried, 0), "
	    "IFNULL(time_to_try, 0) FROM op_ha_work WHERE instance_id = %llu "
	    "ORDER BY id", (unsigned long long)v->id);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		t = (unsigned)row_u64(row, 0, 0);
		/* time_to_try (ticks) + time.between.failures (ms), as coded */
		if (tried < t && !(row_u64(row, 1, 0) +
		    opt.time_between_failures_ms < now)) {
			tried = t;
			break;
		}
	}
	mysql_free_result(res);
	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO op_ha_work (instance_id, type, vm_type, "
	    "state, mgmt_server_id, host_id, created, tried, taken, step, "
	    "time_to_try, updated, reason) VALUES (%llu, 'HA', ",
	    (unsigned long long)v->id);
	db_quote(db, &sb, v->type);
	sbuf_add(&sb, ", ");
	db_quote(db, &sb, v->state);
	sbuf_add(&sb, ", NULL, %llu, UTC_TIMESTAMP(), %u, NULL, "
	    "'Investigating', %llu, %llu, 'HostDown')",
	    (unsigned long long)host_id, tried, (unsigned long long)now,
	    (unsigned long long)v->update_count);
	r = db_exec(db, "schedule HA", sb.s, NULL, err);
	sbuf_free(&sb);
	if (r == -1)
		return -1;
	log_info("ha.scheduled", "work=%llu vm=%llu host=%llu "
	    "step=Investigating reason=HostDown state=%s updated=%llu tried=%u",
	    (unsigned long long)mysql_insert_id(db->m),
	    (unsigned long long)v->id, (unsigned long long)host_id, v->state,
	    (unsigned long long)v->update_count, tried);
	return 0;
}

/* scheduleRestartForVmsOnHost(host, true, HostDown) */
static int
schedule_host_vms(struct db *db, uint64_t host_id, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct vm	*vms = NULL;
	size_t		 n = 0, i;
	uint64_t	 pending;
	int		 r = 0;

	if ((r = zone_ha_enabled(db, err)) != 1) {
		if (r == 0)
			log_info("ha.schedule_skipped", "host=%llu "
			    "reason=\"vm.ha.enabled false\"",
			    (unsigned long long)host_id);
		return r == 0 ? 0 : -1;
	}
	res = haw_query(db, "VMs on host", err, "SELECT id, type, state, "
	    "update_count FROM vm_instance WHERE host_id = %llu AND removed "
	    "IS NULL ORDER BY type = 'User', id", (unsigned long long)host_id);
	if (res == NULL)
		return -1;
	vms = xcalloc((size_t)mysql_num_rows(res), sizeof(*vms));
	while ((row = mysql_fetch_row(res)) != NULL) {
		vms[n].id = row_u64(row, 0, 0);
		cpy(vms[n].type, sizeof(vms[n].type), row[1]);
		cpy(vms[n].state, sizeof(vms[n].state), row[2]);
		vms[n].update_count = row_u64(row, 3, 0);
		vms[n++].host_id = host_id;
	}
	mysql_free_result(res);
	r = 0;
	for (i = 0; i < n && r == 0; i++) {
		if (strcmp(vms[i].state, "Error") == 0) {
			log_info("ha.schedule_skipped", "vm=%llu host=%llu "
			    "reason=\"Error state\"",
			    (unsigned long long)vms[i].id,
			    (unsigned long long)host_id);
			continue;
		}
		/* vmHasPendingHAJob (PR #10624) */
		if ((r = haw_u64(db, "pending HA", &pending, err, "SELECT "
		    "COUNT(*) FROM op_ha_work WHERE host_id = %llu AND "
		    "instance_id = %llu AND type = 'HA' AND step NOT IN "
		    "('Done', 'Cancelled', 'Error')",
		    (unsigned long long)host_id,
		    (unsigned long long)vms[i].id)) == -1)
			break;
		if (pending > 0) {
			log_info("ha.schedule_skipped", "vm=%llu host=%llu "
			    "reason=\"pending HA work\"",
			    (unsigned long long)vms[i].id,
			    (unsigned long long)host_id);
			continue;
		}
		r = schedule_restart(db, &vms[i], host_id, err);
	}
	free(vms);
	return r == -1 ? -1 : 0;
}

/* one monitor round over the Routing hosts */
static int
monitor_round(struct db *db, struct seen **seen, size_t *nseen, char *err)
{
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	struct idset		 live;
	struct host		 h;
	struct seen		*s;
	uint64_t		*ids = NULL, now = clock_mono_ms();
	uint64_t		 limit;
	size_t			 n = 0, i;
	enum agent_answer	 a;
	int			 r = 0;

	limit = (uint64_t)llround((double)opt.ping_interval_ms *
	    opt.ping_timeout);
	res = haw_query(db, "routing hosts", err, "SELECT id FROM host WHERE "
	    "removed IS NULL AND type = 'Routing' AND status IN ('Up', "
	    "'Down', 'Alert', 'Disconnected') ORDER BY id");
	if (res == NULL)
		return -1;
	ids = xcalloc((size_t)mysql_num_rows(res), sizeof(*ids));
	while ((row = mysql_fetch_row(res)) != NULL)
		ids[n++] = row_u64(row, 0, 0);
	mysql_free_result(res);
	idset_load(&live);
	for (i = 0; i < n && r != -1; i++) {
		if ((r = host_read(db, ids[i], &h, err)) != 0)
			continue;
		s = seen_get(seen, nseen, h.id, now);
		if (idset_has(&live, h.id)) {
			s->last_ping_ms = now;
			s->answered = 0;
			if (strcmp(h.status, "Up") == 0)
				continue;
			/* AgentConnected -> Connecting, Ready -> Up */
			log_info("agent.connected", "host=%llu status=%s",
			    (unsigned long long)h.id, h.status);
			if ((r = host_transit(db, &h, "Connecting",
			    err)) != 0 || (r = host_read(db, h.id, &h,
			    err)) != 0)
				continue;
			r = host_transit(db, &h, "Up", err);
			continue;
		}
		if (strcmp(h.status, "Up") != 0 ||
		    now - s->last_ping_ms <= limit)
			continue;
		/* PingTimeout: handleDisconnectWithInvestigation */
		a = agent_alive(&h, &live);
		if (!s->answered || s->last != a)
			log_info("agent.investigated", "host=%llu answer=%s "
			    "investigator=%s silent_ms=%llu",
			    (unsigned long long)h.id, agent_answer_name(a),
			    hostha_eligible(&h) ? "hostha" : "db",
			    (unsigned long long)(now - s->last_ping_ms));
		s->answered = 1;
		s->last = a;
		if (a == AA_DOWN) {
			if ((r = host_transit(db, &h, "Down", err)) != 0)
				continue;
			if ((r = schedule_host_vms(db, h.id, err)) == 0)
				haw_wakeup();
		} else if (a == AA_DISCONNECTED)
			r = host_transit(db, &h, "Alert", err);
	}
	free(live.v);
	free(ids);
	return r == -1 ? -1 : 0;
}

void *
monitor_main(void *arg)
{
	struct seen	*seen = NULL;
	struct db	 db;
	size_t		 nseen = 0;
	char		 err[ERR_LEN];
	int		 up = 0;

	(void)arg;
	mysql_thread_init();
	memset(&db, 0, sizeof(db));
	while (!haw_wait(opt.ping_interval_ms)) {
		if (!up && haw_connect(&db, err) == 0)
			up = 1;
		if (up && monitor_round(&db, &seen, &nseen, err) == 0)
			continue;
		log_warn("agent.monitor_failed", "error=\"%s\"", err);
		if (up)
			db_close(&db);
		up = 0;
	}
	if (up)
		db_close(&db);
	free(seen);
	mysql_thread_end();
	return NULL;
}
