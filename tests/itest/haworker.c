/*
 * haworker.c -- a stand-in for the VM-HA machinery of CloudStack's Java
 * management server (MS), for hawatch's simulated cluster, demo, chaos
 * tests and benchmarks.  CloudStack cannot run here; this program writes
 * CloudStack's tables the way the documented code does.  One process is
 * one management server (--msid).  Section numbers refer to
 * /work/shared/reference/cloudstack.md.
 *
 * Emulated, in the documented order:
 *   MS liveness (6)   mshost row upserted at start (state Up, new runid),
 *                     heartbeat every cluster.heartbeat.interval:
 *                     last_update=UTC now WHERE msid AND runid.  SIGTERM
 *                     marks it Down; SIGKILL leaves it stale (a dead MS).
 *                     A heartbeat matching no row (runid replaced) stops
 *                     the process with exit 1.
 *   configure() (3.3) releaseWorkItems(own msid).      --release-own-claims
 *   start() (3.3)     markPendingWorksAsInvestigating (PR #10167): every
 *                     takeable row gets step Investigating.
 *                                                      --mark-investigating
 *   stop() (3.3)      markServerPendingWorksAsInvestigating(own msid), then
 *                     releaseWorkItems(own msid) as the brief asks (the
 *                     source I read marks but does not release on stop;
 *                     the next configure() would), mshost state Down.
 *   workers (3.3)     ha.workers threads: wait time.to.sleep first, then
 *                     take() (SELECT .. LIMIT 1 FOR UPDATE on unclaimed,
 *                     due, not Done/Cancelled rows; set mgmt_server_id and
 *                     taken; commit), sleep time.to.sleep when idle,
 *                     processWork: zone vm.ha.enabled false -> reschedule;
 *                     HA rows -> restart(); null -> Done (over Cancelled);
 *                     else rescheduleWork (time_to_try, tried+1, claim
 *                     cleared); an error -> reschedule +restart.retry with
 *                     state/updated re-captured; finally "Giving up" -> Done
 *                     once tried >= vm.ha.migration.max.retries.
 *   restart() (3.4)   every exit, in order: newer HA row -> Done; another
 *                     taken open HA row -> reschedule; VM gone -> Done; VM
 *                     in Error -> Done; checkAndCancelWorkIfNeeded (step
 *                     Investigating, reason HostMaintenance/HostDown/
 *                     HostDegraded, investigate(host) Up) -> Done; state or
 *                     update_count changed -> Done; host changed -> Done;
 *                     host row gone -> Done; Investigating: isVmAlive ->
 *                     alive & host Up -> Done, alive & not Up -> reschedule
 *                     +investigate.retry, unknown -> KVMFencer, fence failed
 *                     -> reschedule +restart.retry, dead/fenced ->
 *                     advanceStop(force) then step Scheduled; !ha_enabled &
 *                     !force.ha -> Done; local-storage VM on a dead host ->
 *                     Done; start (no-op if Running) -> Running: Done, else
 *                     reschedule +restart.retry.
 *   investigators (3.4)  --investigator hostha: KVMInvestigator of a Host-HA
 *                     eligible host (ha_config enabled, state not Disabled/
 *                     Ineligible): isVmAlive false only when Fenced;
 *                     isAgentAlive Fenced->Down, Degraded/Recovering/Fencing
 *                     ->Disconnected, Available/Suspect/Checking/Recovered
 *                     ->Up.  Not eligible: the db answers.  --investigator
 *                     db: a host is alive iff status Up and, with
 *                     --live-hosts-file, listed there; isVmAlive true on an
 *                     alive host, else unknown (UnknownVM) -> KVMFencer,
 *                     which succeeds iff the host is not alive and another
 *                     live host of its cluster exists (a neighbour sees the
 *                     stale NFS heartbeat, 3.4).
 *   VM writes (2.1)   VMInstanceDaoImpl.updateState: UPDATE .. WHERE id AND
 *                     state AND host_id AND update_count, update_count+1;
 *                     0 rows but already in the target state = success.
 *                     advanceStop: Running -StopRequested-> Stopping
 *                     -OperationSucceeded-> Stopped (host NULL, last_host =
 *                     old host).  start: Stopped -StartRequested->
 *                     Starting -OperationRetry-> Starting on the chosen
 *                     host, --start-hook, -OperationSucceeded-> Running
 *                     (last_host = host, power_state PowerOn, power_host);
 *                     failure -OperationFailed-> Stopped.
 *   agent monitor (3.2, 2.5)  --agent-monitor: AgentManagerImpl for every
 *                     Up Routing host: an agent is "pinging" while its host
 *                     is in --live-hosts-file; after ping.interval x
 *                     ping.timeout without pings, investigate: Down -> host
 *                     Down (optimistic on status/update_count/last_ping,
 *                     mgmt_server_id NULL) and scheduleRestartForVmsOnHost
 *                     (system VMs first, skip VMs with open HA work for the
 *                     host or in Error, tried inherited, rows Investigating
 *                     /HostDown, state = VM state, updated = update_count,
 *                     time_to_try now>>10); Disconnected -> Alert; Up or
 *                     no answer -> nothing (no HA work).  With hostha and
 *                     ha_state Available a powered-off host stays Up: the
 *                     first half of #12922 (3.5 step 1).  A listed host
 *                     whose status is Down/Alert/Disconnected reconnects:
 *                     Connecting then Up.
 *   time_to_try (1.2, 3.4)  ms>>10 ticks; retries add the interval in
 *                     seconds to the tick count as CloudStack does.  A
 *                     scaled interval under 1 s rounds up to one tick.
 *
 * Not emulated: capacity, planners, host tags, affinity (a live host of the
 * work host's cluster with the fewest Running/Starting VMs is chosen); the
 * agent's own answers (CheckVirtualMachineCommand, CheckHealthCommand,
 * StopCommand: a dead host's agent is simply unavailable); Host HA itself
 * (ha_config is read, never written: the simulation or the test sets it);
 * Migration/Stop/CheckStop/ForceStop/Destroy work (rescheduled as errors);
 * the HA cleanup task; alerts; power-state sync reports; zone/cluster
 * resourceHAEnabled details; the 4.22.1 fix (PR #13088).  Alert hosts are
 * not re-investigated.  Pings are kept in memory (host.last_ping is not
 * written).  Run --agent-monitor in one haworker only: it plays every MS's
 * AgentManager.
 *
 * Ours, not CloudStack's: --live-hosts-file (which hosts are powered on),
 * --start-hook (the simulated cluster creates the domain), --work-delay-ms
 * (hold a taken row: a slow or dying MS with a claim), --workers 0.
 *
 * Logs: one key=value line per decision on stderr (event=ha.done exit=..).
 * This is one file because tests/itest/ builds one binary per .c file.
 * Exit: 0 after SIGTERM/SIGINT, 1 on a fatal error, 2 on usage errors.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"

/* CloudStack defaults (3.1, 3.2, 6); every one is divided by --scale */
#define TIME_TO_SLEEP_MS	60000	/* time.to.sleep 60 s */
#define INVESTIGATE_RETRY_MS	60000	/* investigate.retry.interval 60 */
#define RESTART_RETRY_MS	600000	/* restart.retry.interval 600 */
#define TIME_BETWEEN_FAILURES_MS 3600000 /* time.between.failures 3600 */
#define MS_HEARTBEAT_MS		1500	/* cluster.heartbeat.interval */
#define PING_INTERVAL_MS	60000	/* ping.interval 60 */
#define PING_TIMEOUT		2.5	/* ping.timeout (a multiplier) */
#define MAX_RETRIES		5	/* vm.ha.migration.max.retries */
#define HA_WORKERS		5	/* ha.workers */
/* ours, not CloudStack's */
#define SCALED_MIN_MS		10	/* less only spins */
/* a faster heartbeat only loads the DB; hawatch's ms_dead_after is >= 1 s */
#define HEARTBEAT_MIN_MS	100
#define HOOK_TIMEOUT_MS		60000	/* StartCommand would wait `wait` */
#define HOOK_POLL_MS		20	/* waitpid poll inside the deadline */
#define RECONNECT_MS		1000	/* a thread's DB reconnect backoff */
#define MAX_WORKERS		64

enum inv_mode { INV_HOSTHA, INV_DB };

/* investigate()/isAgentAlive answer (Status, 2.5); AA_NONE: null */
enum agent_answer { AA_UP, AA_DOWN, AA_DISCONNECTED, AA_NONE };

enum vm_alive { VA_TRUE, VA_FALSE, VA_UNKNOWN };

/* the exits of restart() and processWork (3.3, 3.4) */
enum ha_exit {
	EX_NEWER_ROW, EX_OTHER_RUNNING, EX_VM_NOT_FOUND, EX_VM_ERROR,
	EX_CANCELLED, EX_VM_CHANGED, EX_HOST_CHANGED, EX_HOST_GONE,
	EX_VM_MOVED, EX_ALIVE_HOST_UP, EX_ALIVE_HOST_NOT_UP, EX_FENCE_FAILED,
	EX_NOT_HA, EX_LOCAL_STORAGE, EX_STARTED, EX_ALREADY_RUNNING,
	EX_START_FAILED, EX_ZONE_HA_OFF, EX_ERROR, EX_UNSUPPORTED,
};

static const char *
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

static const char *
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

static const char *
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

static const char *
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

struct opts {
	struct db_config db;
	uint64_t	 msid;
	unsigned	 workers;
	double		 scale;
	uint64_t	 time_to_sleep_ms, investigate_retry_ms;
	uint64_t	 restart_retry_ms, time_between_failures_ms;
	uint64_t	 heartbeat_ms, ping_interval_ms;
	double		 ping_timeout;
	unsigned	 max_retries;
	int		 force_ha, release_own, mark_investigating;
	int		 agent_monitor;
	enum inv_mode	 investigator;
	const char	*live_hosts_file;
	const char	*start_hook;
	uint64_t	 hook_timeout_ms, work_delay_ms;
};

static struct opts	opt;
static uint64_t		runid;
static atomic_int	stopping;	/* SIGTERM seen: finish and go home */
static atomic_int	fatal;		/* heartbeat lost its session */
static pthread_mutex_t	mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	cv;		/* CLOCK_MONOTONIC; stop and wakeups */

/* --- waiting -------------------------------------------------------- */

/* Wait up to ms or until woken; 1 if the process is stopping. */
static int
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
static void
haw_wakeup(void)
{
	pthread_mutex_lock(&mu);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static uint64_t
now_ticks(void)
{
	return clock_wall_ms() >> 10;
}

/* CloudStack adds the interval in seconds to ms>>10 ticks (3.4) */
static uint64_t
retry_ticks(uint64_t ms)
{
	return (ms + 999) / 1000;
}

/* --- SQL helpers (the session's default schema is CloudStack's) ------ */

static int
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

static int haw_exec(struct db *, const char *, unsigned long long *, char *,
    const char *, ...) __attribute__((format(printf, 5, 6)));
static int haw_u64(struct db *, const char *, uint64_t *, char *,
    const char *, ...) __attribute__((format(printf, 5, 6)));
static MYSQL_RES *haw_query(struct db *, const char *, char *,
    const char *, ...) __attribute__((format(printf, 4, 5)));

static int
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
static int
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

static MYSQL_RES *
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
static const char *
id_sql(char *buf, size_t len, uint64_t id)
{
	if (id == 0)
		snprintf(buf, len, "NULL");
	else
		snprintf(buf, len, "%llu", (unsigned long long)id);
	return buf;
}

/* --- the simulated cluster's truth: --live-hosts-file ---------------- */

struct idset {
	uint64_t	*v;
	size_t		 n;
	int		 all;	/* no file given: every host counts as live */
};

/* Re-read on each use; a missing file lists no host. */
static void
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

static int
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
static void
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

struct host {
	uint64_t	id, cluster_id, update_count, last_ping, ms_id;
	char		status[32], type[32], ha_state[32];
	int		removed, ha_row, ha_enabled;
};

struct vm {
	uint64_t	id, host_id, last_host_id, update_count;
	char		instance_name[256], state[32], type[32];
	int		ha_enabled;
};

struct work {
	uint64_t	id, instance_id, host_id, updated, time_to_try;
	unsigned	tried;
	char		type[32], vm_type[32], state[32], step[32], reason[32];
	int		done;		/* processWork: step Done */
	int		claimed;	/* claim kept (not rescheduled) */
};

static void
cpy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

/* host row, removed or not (findByIdIncludingRemoved); 1 if none */
static int
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
static int
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

enum last_host { LH_KEEP, LH_OLD_HOST, LH_NEW_HOST };

/*
 * One transition as VMInstanceDaoImpl.updateState writes it (2.1).
 * 0 done (or the row already holds the target state), 1 lost the race,
 * -1 DB error.  v is refreshed on success.
 */
static int
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

/* --- investigators (3.4) --------------------------------------------- */

/* the simulation's truth: status Up and, with a live-hosts file, listed */
static int
host_alive(const struct host *h, const struct idset *live)
{
	return strcmp(h->status, "Up") == 0 && !h->removed &&
	    idset_has(live, h->id);
}

/* KVMInvestigator's branch: Host-HA eligible (ha_config part only) */
static int
hostha_eligible(const struct host *h)
{
	return opt.investigator == INV_HOSTHA && h->ha_row &&
	    h->ha_enabled == 1 && strcmp(h->ha_state, "Disabled") != 0 &&
	    strcmp(h->ha_state, "Ineligible") != 0;
}

/* isAgentAlive of the first investigator that answers */
static enum agent_answer
agent_alive(const struct host *h, const struct idset *live)
{
	const char	*s = h->ha_state;

	if (hostha_eligible(h)) {
		/* HAManagerImpl.getHostStatus */
		if (strcmp(s, "Fenced") == 0)
			return AA_DOWN;
		if (strcmp(s, "Degraded") == 0 ||
		    strcmp(s, "Recovering") == 0 || strcmp(s, "Fencing") == 0)
			return AA_DISCONNECTED;
		if (strcmp(s, "Available") == 0 || strcmp(s, "Suspect") == 0 ||
		    strcmp(s, "Checking") == 0 || strcmp(s, "Recovered") == 0)
			return AA_UP;
		return AA_NONE;
	}
	return host_alive(h, live) ? AA_UP : AA_DOWN;
}

static enum vm_alive
vm_alive(const struct host *h, const struct idset *live)
{
	if (hostha_eligible(h))
		return strcmp(h->ha_state, "Fenced") == 0 ? VA_FALSE : VA_TRUE;
	return host_alive(h, live) ? VA_TRUE : VA_UNKNOWN;
}

/* HighAvailabilityManagerImpl.investigate(hostId); AA_NONE if no host */
static int
investigate(struct db *db, uint64_t host_id, enum agent_answer *a, char *err)
{
	struct host	h;
	struct idset	live;
	int		r;

	if ((r = host_read(db, host_id, &h, err)) == -1)
		return -1;
	*a = AA_NONE;
	if (r == 0 && !h.removed) {
		idset_load(&live);
		*a = agent_alive(&h, &live);
		free(live.v);
	}
	return 0;
}

/* KVMFencer: a live neighbour in the cluster sees a stale heartbeat */
static int
fence_off(struct db *db, const struct host *h, int *fenced, char *err)
{
	struct idset	 live;
	struct sbuf	 sb;
	uint64_t	 n = 0;
	int		 r;

	idset_load(&live);
	*fenced = 0;
	if (host_alive(h, &live)) {
		free(live.v);
		return 0;
	}
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT COUNT(*) FROM host WHERE id <> %llu AND "
	    "cluster_id <=> %llu AND status = 'Up' AND removed IS NULL AND "
	    "type = 'Routing' AND hypervisor_type = 'KVM'",
	    (unsigned long long)h->id, (unsigned long long)h->cluster_id);
	idset_sql(&live, "id", &sb);
	r = db_query_u64(db, "find fence neighbours", sb.s, &n, err);
	sbuf_free(&sb);
	free(live.v);
	if (r == -1)
		return -1;
	*fenced = n > 0;
	return 0;
}

/* --- advanceStop and start (2.1) ------------------------------------- */

/* advanceStop(vm, force): 0 Stopped, 1 conflict/unsupported, -1 DB */
static int
advance_stop(struct db *db, struct vm *v, char *err)
{
	int	r;

	if (strcmp(v->state, "Stopped") == 0)
		return 0;
	if (strcmp(v->state, "Running") == 0 &&
	    (r = vm_transit(db, v, "Stopping", v->host_id, LH_KEEP, 0,
	    err)) != 0)
		return r;
	if (strcmp(v->state, "Stopping") != 0) {
		set_err(err, "advanceStop of VM %llu in state %s is not "
		    "emulated", (unsigned long long)v->id, v->state);
		return 1;
	}
	/* StopCommand: the agent is unavailable, tolerated when forced */
	return vm_transit(db, v, "Stopped", 0, LH_OLD_HOST, 0, err);
}

/* least-loaded live host of the cluster, not `avoid`; 0 if none */
static int
pick_host(struct db *db, uint64_t cluster_id, uint64_t avoid, uint64_t *out,
    char *err)
{
	struct idset	live;
	struct sbuf	sb;
	char		cid[24];
	int		r;

	idset_load(&live);
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT h.id FROM host h LEFT JOIN vm_instance v ON "
	    "v.host_id = h.id AND v.removed IS NULL AND v.state IN "
	    "('Running', 'Starting') WHERE h.status = 'Up' AND "
	    "h.resource_state = 'Enabled' AND h.removed IS NULL AND "
	    "h.type = 'Routing' AND h.id <> %llu AND h.cluster_id <=> %s",
	    (unsigned long long)avoid, id_sql(cid, sizeof(cid), cluster_id));
	idset_sql(&live, "h.id", &sb);
	sbuf_add(&sb, " GROUP BY h.id ORDER BY COUNT(v.id), h.id LIMIT 1");
	*out = 0;
	r = db_query_u64(db, "pick a host", sb.s, out, err);
	sbuf_free(&sb);
	free(live.v);
	return r == -1 ? -1 : 0;
}

/* --start-hook CMD vm_instance_name host_id, bounded; 0 if it exited 0 */
static int
run_hook(const char *instance, uint64_t host_id, char *err)
{
	sigset_t	 none;
	char		 hid[24], *cmd;
	uint64_t	 deadline;
	pid_t		 pid, w;
	int		 st;

	if (opt.start_hook == NULL)
		return 0;
	snprintf(hid, sizeof(hid), "%llu", (unsigned long long)host_id);
	if (asprintf(&cmd, "%s \"$@\"", opt.start_hook) < 0)
		abort();
	sigemptyset(&none);
	if ((pid = fork()) == -1) {
		set_err(err, "start hook: fork: %s", strerror(errno));
		free(cmd);
		return -1;
	}
	if (pid == 0) {
		/* own group: a timeout kills the hook's whole tree */
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", instance, hid,
		    (char *)NULL);
		_exit(127);
	}
	free(cmd);
	setpgid(pid, pid);
	deadline = clock_mono_ms() + opt.hook_timeout_ms;
	while ((w = waitpid(pid, &st, WNOHANG)) == 0) {
		if (clock_mono_ms() >= deadline || atomic_load(&stopping)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
			set_err(err, "start hook for %s on host %s %s",
			    instance, hid, atomic_load(&stopping) ?
			    "aborted: stopping" : "timed out");
			return -1;
		}
		clock_sleep_ms(HOOK_POLL_MS);
	}
	if (w == -1) {
		set_err(err, "start hook: waitpid: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		set_err(err, "start hook for %s on host %s failed (%s %d)",
		    instance, hid, WIFEXITED(st) ? "exit" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -1;
	}
	return 0;
}

/*
 * startVm through VirtualMachineManagerImpl's state machine.  0 the start
 * ran (v tells whether it is Running), 1 conflict, -1 DB error.
 */
static int
start_vm(struct db *db, struct vm *v, const struct host *from, char *err)
{
	uint64_t	dest;
	int		r;

	if (strcmp(v->state, "Running") == 0)
		return 0;		/* "VM is already started": no-op */
	if (strcmp(v->state, "Stopped") != 0) {
		log_info("ha.start_failed", "vm=%llu reason=\"state %s\"",
		    (unsigned long long)v->id, v->state);
		return 0;
	}
	if ((r = vm_transit(db, v, "Starting", 0, LH_KEEP, 0, err)) != 0)
		return r;
	if (pick_host(db, from->cluster_id, from->id, &dest, err) == -1)
		return -1;
	if (dest == 0) {
		log_info("ha.start_failed", "vm=%llu reason=\"insufficient "
		    "capacity: no live host\"", (unsigned long long)v->id);
		return vm_transit(db, v, "Stopped", 0, LH_KEEP, 0, err);
	}
	if ((r = vm_transit(db, v, "Starting", dest, LH_KEEP, 0, err)) != 0)
		return r;
	if (run_hook(v->instance_name, dest, err) == -1) {
		log_info("ha.start_failed", "vm=%llu host=%llu reason=\"%s\"",
		    (unsigned long long)v->id, (unsigned long long)dest, err);
		return vm_transit(db, v, "Stopped", 0, LH_KEEP, 0, err);
	}
	if ((r = vm_transit(db, v, "Running", dest, LH_NEW_HOST, 1,
	    err)) != 0)
		return r;
	log_info("ha.started", "vm=%llu host=%llu instance=%s",
	    (unsigned long long)v->id, (unsigned long long)dest,
	    v->instance_name);
	return 0;
}

/* --- restart(work) (3.4) --------------------------------------------- */

struct outcome {
	enum ha_exit	exit;
	uint64_t	next;		/* ticks; 0: Done */
};

#define DONE(e)		do { o->exit = (e); o->next = 0; return 0; } while (0)
#define AGAIN(e, ms)	do { o->exit = (e); o->next = now_ticks() + \
			    retry_ticks(ms); return 0; } while (0)

static int
is_cancellable(const char *reason)
{
	return strcmp(reason, "HostMaintenance") == 0 ||
	    strcmp(reason, "HostDown") == 0 ||
	    strcmp(reason, "HostDegraded") == 0;
}

/* the Investigating step; 0 go on to the start, 2 an exit was set */
static int
restart_investigate(struct db *db, struct work *w, struct vm *v,
    const struct host *h, struct outcome *o, char *err)
{
	struct idset	live;
	enum vm_alive	alive;
	int		fenced = 0, r;

	if (!h->removed) {
		if (v->host_id == 0 || v->host_id != w->host_id) {
			o->exit = EX_VM_MOVED;
			o->next = 0;
			return 2;
		}
		idset_load(&live);
		alive = vm_alive(h, &live);
		free(live.v);
		log_info("ha.investigated", "work=%llu vm=%llu host=%llu "
		    "alive=%s investigator=%s", (unsigned long long)w->id,
		    (unsigned long long)v->id, (unsigned long long)h->id,
		    vm_alive_name(alive), hostha_eligible(h) ? "hostha" : "db");
		if (alive == VA_TRUE) {
			o->exit = strcmp(h->status, "Up") == 0 ?
			    EX_ALIVE_HOST_UP : EX_ALIVE_HOST_NOT_UP;
			o->next = o->exit == EX_ALIVE_HOST_UP ? 0 :
			    now_ticks() + retry_ticks(opt.investigate_retry_ms);
			return 2;
		}
		if (alive == VA_FALSE)
			fenced = 1;
		else {
			if (fence_off(db, h, &fenced, err) == -1)
				return -1;
			log_info("ha.fence", "work=%llu vm=%llu host=%llu "
			    "fencer=KVMFencer result=%s",
			    (unsigned long long)w->id,
			    (unsigned long long)v->id,
			    (unsigned long long)h->id,
			    fenced ? "true" : "false");
		}
		if (!fenced) {
			o->exit = EX_FENCE_FAILED;
			o->next = now_ticks() +
			    retry_ticks(opt.restart_retry_ms);
			return 2;
		}
	}
	if ((r = advance_stop(db, v, err)) != 0)
		return r == -1 ? -1 : 1;
	log_info("ha.stopped", "work=%llu vm=%llu host=%llu",
	    (unsigned long long)w->id, (unsigned long long)v->id,
	    (unsigned long long)h->id);
	cpy(w->step, sizeof(w->step), "Scheduled");
	if (haw_exec(db, "work step Scheduled", NULL, err, "UPDATE op_ha_work "
	    "SET step = 'Scheduled' WHERE id = %llu",
	    (unsigned long long)w->id) == -1)
		return -1;
	return 0;
}

/*
 * 0 with o filled, 1 an "exception" (conflict, unsupported state) with
 * err, -1 a DB error with err.
 */
static int
restart(struct db *db, struct work *w, struct outcome *o, char *err)
{
	enum agent_answer	 a;
	struct host		 h;
	struct vm		 v;
	uint64_t		 n;
	int			 r;

	if (haw_u64(db, "newer HA work", &n, err, "SELECT COUNT(*) FROM "
	    "op_ha_work WHERE instance_id = %llu AND type = 'HA' AND id > %llu",
	    (unsigned long long)w->instance_id,
	    (unsigned long long)w->id) == -1)
		return -1;
	if (n > 0)
		DONE(EX_NEWER_ROW);
	if (haw_u64(db, "running HA work", &n, err, "SELECT COUNT(*) FROM "
	    "op_ha_work WHERE instance_id = %llu AND type = 'HA' AND taken "
	    "IS NOT NULL AND step NOT IN ('Done', 'Error', 'Cancelled') AND "
	    "id <> %llu", (unsigned long long)w->instance_id,
	    (unsigned long long)w->id) == -1)
		return -1;
	if (n > 0)
		AGAIN(EX_OTHER_RUNNING, opt.investigate_retry_ms);
	if ((r = vm_read(db, w->instance_id, &v, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_VM_NOT_FOUND);
	if (strcmp(v.state, "Error") == 0)
		DONE(EX_VM_ERROR);
	/* checkAndCancelWorkIfNeeded (PR #10167) */
	if (strcmp(w->step, "Investigating") == 0 &&
	    is_cancellable(w->reason)) {
		if (investigate(db, w->host_id, &a, err) == -1)
			return -1;
		log_info("ha.host_investigated", "work=%llu host=%llu "
		    "answer=%s", (unsigned long long)w->id,
		    (unsigned long long)w->host_id, agent_answer_name(a));
		if (a == AA_UP) {
			cpy(w->step, sizeof(w->step), "Cancelled");
			DONE(EX_CANCELLED);
		}
	}
	if (strcmp(v.state, w->state) != 0 || v.update_count != w->updated)
		DONE(EX_VM_CHANGED);
	if (v.host_id != 0 && v.host_id != w->host_id)
		DONE(EX_HOST_CHANGED);
	if ((r = host_read(db, w->host_id, &h, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_HOST_GONE);
	if (strcmp(w->step, "Investigating") == 0) {
		r = restart_investigate(db, w, &v, &h, o, err);
		if (r != 0)
			return r == 2 ? 0 : r;
	}
	if ((r = vm_read(db, v.id, &v, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_VM_NOT_FOUND);
	if (!opt.force_ha && !v.ha_enabled)
		DONE(EX_NOT_HA);
	if (h.removed || strcmp(h.status, "Up") != 0) {
		/* canVmRestartOnAnotherServer: no volume on local storage */
		if (haw_u64(db, "local volumes", &n, err, "SELECT COUNT(*) "
		    "FROM volumes vo JOIN storage_pool p ON p.id = vo.pool_id "
		    "WHERE vo.instance_id = %llu AND vo.removed IS NULL AND "
		    "p.scope = 'HOST'", (unsigned long long)v.id) == -1)
			return -1;
		if (n > 0)
			DONE(EX_LOCAL_STORAGE);
	}
	if (strcmp(v.state, "Running") == 0)
		DONE(EX_ALREADY_RUNNING);
	if ((r = start_vm(db, &v, &h, err)) != 0)
		return r;
	if (strcmp(v.state, "Running") == 0)
		DONE(EX_STARTED);
	/* not Running: re-capture the VM into the work and retry later */
	w->updated = v.update_count;
	cpy(w->state, sizeof(w->state), v.state);
	AGAIN(EX_START_FAILED, opt.restart_retry_ms);
}

/* --- processWork, take() and the worker thread (3.3) ------------------ */

static int
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

/* take(msid): 1 took w, 0 nothing due, -1 DB error */
static int
take(struct db *db, struct work *w, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 got = 0;

	if (db_begin(db, err) == -1)
		return -1;
	res = haw_query(db, "take", err, "SELECT id, instance_id, type, "
	    "vm_type, state, IFNULL(host_id, 0), IFNULL(tried, 0), step, "
	    "time_to_try, updated, IFNULL(reason, '') FROM op_ha_work WHERE "
	    "mgmt_server_id IS NULL AND taken IS NULL AND time_to_try <= %llu "
	    "AND step NOT IN ('Done', 'Cancelled') LIMIT 1 FOR UPDATE",
	    (unsigned long long)now_ticks());
	if (res == NULL) {
		db_rollback(db);
		return -1;
	}
	memset(w, 0, sizeof(*w));
	if ((row = mysql_fetch_row(res)) != NULL) {
		w->id = row_u64(row, 0, 0);
		w->instance_id = row_u64(row, 1, 0);
		cpy(w->type, sizeof(w->type), row[2]);
		cpy(w->vm_type, sizeof(w->vm_type), row[3]);
		cpy(w->state, sizeof(w->state), row[4]);
		w->host_id = row_u64(row, 5, 0);
		w->tried = (unsigned)row_u64(row, 6, 0);
		cpy(w->step, sizeof(w->step), row[7]);
		w->time_to_try = row_u64(row, 8, 0);
		w->updated = row_u64(row, 9, 0);
		cpy(w->reason, sizeof(w->reason), row[10]);
		got = 1;
	}
	mysql_free_result(res);
	if (got && haw_exec(db, "take", NULL, err, "UPDATE op_ha_work SET "
	    "mgmt_server_id = %llu, taken = UTC_TIMESTAMP() WHERE id = %llu",
	    (unsigned long long)opt.msid, (unsigned long long)w->id) == -1) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, err) == -1)
		return -1;
	return got;
}

/* _haDao.update(work): the fields processWork may have changed */
static int
work_write(struct db *db, const struct work *w, char *err)
{
	struct sbuf	sb;
	int		r;

	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE op_ha_work SET step = ");
	db_quote(db, &sb, w->done ? "Done" : w->step);
	sbuf_add(&sb, ", state = ");
	db_quote(db, &sb, w->state);
	sbuf_add(&sb, ", updated = %llu, tried = %u, time_to_try = %llu",
	    (unsigned long long)w->updated, w->tried,
	    (unsigned long long)w->time_to_try);
	if (!w->claimed)
		sbuf_add(&sb, ", mgmt_server_id = NULL, taken = NULL");
	sbuf_add(&sb, " WHERE id = %llu", (unsigned long long)w->id);
	r = db_exec(db, "update work", sb.s, NULL, err);
	sbuf_free(&sb);
	return r;
}

/* processWork; -1 when the DB failed (the caller reconnects) */
static int
process_work(struct db *db, struct work *w)
{
	struct outcome	 o;
	struct vm	 vm0;
	char		 err[ERR_LEN], step_was[32];
	int		 r, have_vm, dberr = 0;

	cpy(step_was, sizeof(step_was), w->step);
	memset(&o, 0, sizeof(o));
	if ((have_vm = vm_read(db, w->instance_id, &vm0, err)) == -1)
		goto error;
	have_vm = have_vm == 0;
	if (have_vm && (r = zone_ha_enabled(db, err)) != 1) {
		if (r == -1)
			goto error;
		o.exit = EX_ZONE_HA_OFF;
		o.next = now_ticks() + retry_ticks(opt.restart_retry_ms);
	} else if (strcmp(w->type, "HA") != 0) {
		set_err(err, "work type %s is not emulated", w->type);
		o.exit = EX_UNSUPPORTED;
		goto exception;
	} else if ((r = restart(db, w, &o, err)) != 0) {
		if (r == -1)
			goto error;
		o.exit = EX_ERROR;
		goto exception;
	}
	goto finish;
error:
	dberr = 1;
	o.exit = EX_ERROR;
exception:
	log_warn("ha.error", "work=%llu vm=%llu error=\"%s\"",
	    (unsigned long long)w->id, (unsigned long long)w->instance_id,
	    err);
	o.next = now_ticks() + retry_ticks(opt.restart_retry_ms);
	if (have_vm == 1) {
		w->updated = vm0.update_count;
		cpy(w->state, sizeof(w->state), vm0.state);
	}
finish:
	w->claimed = o.next == 0;
	if (o.next == 0) {
		w->done = 1;
		log_info("ha.done", "work=%llu vm=%llu exit=%s step=%s "
		    "tried=%u", (unsigned long long)w->id,
		    (unsigned long long)w->instance_id, ha_exit_name(o.exit),
		    step_was, w->tried);
	} else {
		/* rescheduleWork, then the finally clause */
		w->time_to_try = o.next;
		w->tried++;
		if (w->tried >= opt.max_retries) {
			w->done = 1;
			log_info("ha.done", "work=%llu vm=%llu exit=giving_up "
			    "last_exit=%s tried=%u max=%u",
			    (unsigned long long)w->id,
			    (unsigned long long)w->instance_id,
			    ha_exit_name(o.exit), w->tried, opt.max_retries);
		} else
			log_info("ha.rescheduled", "work=%llu vm=%llu exit=%s "
			    "tried=%u time_to_try=%llu",
			    (unsigned long long)w->id,
			    (unsigned long long)w->instance_id,
			    ha_exit_name(o.exit), w->tried,
			    (unsigned long long)w->time_to_try);
	}
	if (dberr)
		return -1;
	if (work_write(db, w, err) == -1) {
		/* as in CloudStack the row stays claimed by this live MS */
		log_err("ha.write_failed", "work=%llu error=\"%s\"",
		    (unsigned long long)w->id, err);
		return -1;
	}
	return 0;
}

static void *
worker_main(void *arg)
{
	struct work	 w;
	struct db	 db;
	unsigned	 idx = (unsigned)(uintptr_t)arg;
	char		 err[ERR_LEN];
	int		 up = 0, r;

	mysql_thread_init();
	memset(&db, 0, sizeof(db));
	/* WorkerThread.run waits time.to.sleep before its first take */
	if (haw_wait(opt.time_to_sleep_ms))
		goto out;
	while (!atomic_load(&stopping)) {
		if (!up) {
			if (haw_connect(&db, err) == -1) {
				log_warn("worker.db", "worker=%u error=\"%s\"",
				    idx, err);
				haw_wait(RECONNECT_MS);
				continue;
			}
			up = 1;
		}
		if ((r = take(&db, &w, err)) == -1) {
			log_warn("worker.db", "worker=%u error=\"%s\"", idx,
			    err);
			db_close(&db);
			up = 0;
			continue;
		}
		if (r == 0) {
			haw_wait(opt.time_to_sleep_ms);
			continue;
		}
		log_info("ha.taken", "work=%llu vm=%llu worker=%u step=%s "
		    "reason=%s tried=%u host=%llu", (unsigned long long)w.id,
		    (unsigned long long)w.instance_id, idx, w.step,
		    w.reason[0] ? w.reason : "NULL", w.tried,
		    (unsigned long long)w.host_id);
		/* chaos knob: a slow MS holding its claim (not CloudStack's) */
		if (opt.work_delay_ms > 0 && haw_wait(opt.work_delay_ms))
			break;
		if (process_work(&db, &w) == -1) {
			db_close(&db);
			up = 0;
		}
	}
out:
	if (up)
		db_close(&db);
	mysql_thread_end();
	return NULL;
}

/* --- mshost heartbeat (6) --------------------------------------------- */

static int
ms_register(struct db *db, char *err)
{
	runid = clock_wall_ms();	/* a new runid on every start */
	if (haw_exec(db, "register mshost", NULL, err, "INSERT INTO mshost "
	    "(msid, runid, name, uuid, state, version, service_ip, "
	    "service_port, last_update, removed, alert_count) VALUES (%llu, "
	    "%llu, 'haworker-%llu', UUID(), 'Up', '4.22.0.0-haworker', "
	    "'127.0.0.1', 9090, UTC_TIMESTAMP(), NULL, 0) ON DUPLICATE KEY "
	    "UPDATE runid = VALUES(runid), state = 'Up', last_update = "
	    "VALUES(last_update), removed = NULL, alert_count = 0",
	    (unsigned long long)opt.msid, (unsigned long long)runid,
	    (unsigned long long)opt.msid) == -1)
		return -1;
	log_info("ms.up", "msid=%llu runid=%llu", (unsigned long long)opt.msid,
	    (unsigned long long)runid);
	return 0;
}

static void *
heartbeat_main(void *arg)
{
	unsigned long long	 n;
	struct db		 db;
	char			 err[ERR_LEN];
	int			 up = 0, failing = 0;

	(void)arg;
	mysql_thread_init();
	memset(&db, 0, sizeof(db));
	while (!haw_wait(opt.heartbeat_ms)) {
		if (!up && haw_connect(&db, err) == 0)
			up = 1;
		if (up && haw_exec(&db, "heartbeat", &n, err, "UPDATE mshost "
		    "SET last_update = UTC_TIMESTAMP(), removed = NULL, "
		    "alert_count = 0, state = 'Up' WHERE msid = %llu AND "
		    "runid = %llu", (unsigned long long)opt.msid,
		    (unsigned long long)runid) == 0) {
			if (n == 0) {
				log_err("ms.session_lost", "msid=%llu "
				    "runid=%llu reason=\"no mshost row with "
				    "this runid\"",
				    (unsigned long long)opt.msid,
				    (unsigned long long)runid);
				atomic_store(&fatal, 1);
				kill(getpid(), SIGTERM);
				break;
			}
			if (failing)
				log_info("ms.heartbeat_ok", "msid=%llu",
				    (unsigned long long)opt.msid);
			failing = 0;
			continue;
		}
		if (!failing)
			log_warn("ms.heartbeat_failed", "msid=%llu "
			    "error=\"%s\"", (unsigned long long)opt.msid, err);
		failing = 1;
		if (up)
			db_close(&db);
		up = 0;
	}
	if (up)
		db_close(&db);
	mysql_thread_end();
	return NULL;
}

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

static void *
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

/* --- lifecycle: configure(), start(), stop() (3.3) -------------------- */

static int
release_own(struct db *db, const char *when, char *err)
{
	unsigned long long	n;

	if (!opt.release_own)
		return 0;
	if (haw_exec(db, "release own claims", &n, err, "UPDATE op_ha_work "
	    "SET mgmt_server_id = NULL, taken = NULL WHERE mgmt_server_id = "
	    "%llu AND taken IS NOT NULL AND step NOT IN ('Done', 'Cancelled', "
	    "'Error')", (unsigned long long)opt.msid) == -1)
		return -1;
	log_info("ha.released", "msid=%llu rows=%llu at=%s",
	    (unsigned long long)opt.msid, n, when);
	return 0;
}

static int
lifecycle_start(struct db *db, char *err)
{
	unsigned long long	n;

	if (ms_register(db, err) == -1 || release_own(db, "configure",
	    err) == -1)
		return -1;
	if (!opt.mark_investigating)
		return 0;
	if (haw_exec(db, "mark pending Investigating", &n, err, "UPDATE "
	    "op_ha_work SET step = 'Investigating' WHERE mgmt_server_id IS "
	    "NULL AND taken IS NULL AND time_to_try <= %llu AND step NOT IN "
	    "('Done', 'Cancelled')", (unsigned long long)now_ticks()) == -1)
		return -1;
	log_info("ha.marked_investigating", "rows=%llu at=start", n);
	return 0;
}

static int
lifecycle_stop(struct db *db, char *err)
{
	unsigned long long	n;

	if (opt.mark_investigating) {
		if (haw_exec(db, "mark own Investigating", &n, err, "UPDATE "
		    "op_ha_work SET step = 'Investigating' WHERE "
		    "mgmt_server_id = %llu AND step NOT IN ('Done', "
		    "'Cancelled')", (unsigned long long)opt.msid) == -1)
			return -1;
		log_info("ha.marked_investigating", "rows=%llu at=stop", n);
	}
	if (release_own(db, "stop", err) == -1)
		return -1;
	if (haw_exec(db, "mshost Down", NULL, err, "UPDATE mshost SET state = "
	    "'Down', last_update = UTC_TIMESTAMP() WHERE msid = %llu AND "
	    "runid = %llu", (unsigned long long)opt.msid,
	    (unsigned long long)runid) == -1)
		return -1;
	log_info("ms.down", "msid=%llu runid=%llu",
	    (unsigned long long)opt.msid, (unsigned long long)runid);
	return 0;
}

/* --- command line ------------------------------------------------------ */

static void
usage(void)
{
	fprintf(stderr,
"usage: haworker --msid N --db-password-file F [--db-host H] [--db-port P]\n"
"         [--db-socket S] [--db-user U] [--db-name N] [options]\n"
"  --workers N               ha.workers (5; 0: agent monitor only)\n"
"  --time-to-sleep-ms MS     time.to.sleep (60000)\n"
"  --investigate-retry-ms MS investigate.retry.interval (60000)\n"
"  --restart-retry-ms MS     restart.retry.interval (600000)\n"
"  --time-between-failures-ms MS  time.between.failures (3600000)\n"
"  --max-retries N           vm.ha.migration.max.retries (5)\n"
"  --ms-heartbeat-ms MS      cluster.heartbeat.interval (1500)\n"
"  --ping-interval-ms MS     ping.interval (60000)\n"
"  --ping-timeout X          ping.timeout multiplier (2.5)\n"
"  --scale F                 divide every CloudStack timing by F (1)\n"
"  --force-ha on|off         force.ha (off)\n"
"  --release-own-claims on|off  releaseWorkItems(own) at start/stop (on)\n"
"  --mark-investigating on|off  PR #10167 start()/stop() marking (on)\n"
"  --investigator hostha|db  investigator answers (hostha)\n"
"  --live-hosts-file FILE    host ids that are powered on, one a line\n"
"  --start-hook CMD          run CMD vm_instance_name host_id on start\n"
"  --start-hook-timeout-ms MS  (60000)\n"
"  --work-delay-ms MS        hold each taken row MS before processing (0)\n"
"  --agent-monitor           emulate AgentManagerImpl (needs the file)\n"
"  --log-level debug|info|warn|error\n");
}

static int
arg_u64(const char *name, const char *s, uint64_t min, uint64_t max,
    uint64_t *out)
{
	if (parse_u64(s, out) == -1 || *out < min || *out > max) {
		fprintf(stderr, "haworker: %s: expected an integer in "
		    "[%llu, %llu], got \"%s\"\n", name,
		    (unsigned long long)min, (unsigned long long)max, s);
		return -1;
	}
	return 0;
}

static int
arg_double(const char *name, const char *s, double min, double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) ||
	    *out < min) {
		fprintf(stderr, "haworker: %s: expected a number >= %g, got "
		    "\"%s\"\n", name, min, s);
		return -1;
	}
	return 0;
}

static int
arg_onoff(const char *name, const char *s, int *out)
{
	if (strcmp(s, "on") == 0 || strcmp(s, "off") == 0) {
		*out = strcmp(s, "on") == 0;
		return 0;
	}
	fprintf(stderr, "haworker: %s: expected on or off, got \"%s\"\n",
	    name, s);
	return -1;
}

static int
arg_str(const char *name, const char *s, char *dst, size_t len)
{
	if (s[0] == '\0' || strlen(s) >= len) {
		fprintf(stderr, "haworker: %s: empty or longer than %zu "
		    "bytes\n", name, len - 1);
		return -1;
	}
	cpy(dst, len, s);
	return 0;
}

/* CloudStack timing / scale, with a floor */
static uint64_t
scaled(uint64_t ms, uint64_t floor_ms)
{
	double	v = (double)ms / opt.scale;

	return v < (double)floor_ms ? floor_ms : (uint64_t)llround(v);
}

static int
parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db-host", required_argument, NULL, 'H' },
		{ "db-port", required_argument, NULL, 'P' },
		{ "db-socket", required_argument, NULL, 'S' },
		{ "db-user", required_argument, NULL, 'U' },
		{ "db-name", required_argument, NULL, 'N' },
		{ "db-password-file", required_argument, NULL, 'p' },
		{ "msid", required_argument, NULL, 'm' },
		{ "workers", required_argument, NULL, 'w' },
		{ "time-to-sleep-ms", required_argument, NULL, 's' },
		{ "investigate-retry-ms", required_argument, NULL, 'i' },
		{ "restart-retry-ms", required_argument, NULL, 'r' },
		{ "time-between-failures-ms", required_argument, NULL, 'f' },
		{ "max-retries", required_argument, NULL, 'x' },
		{ "ms-heartbeat-ms", required_argument, NULL, 'b' },
		{ "ping-interval-ms", required_argument, NULL, 'I' },
		{ "ping-timeout", required_argument, NULL, 'T' },
		{ "scale", required_argument, NULL, 'F' },
		{ "force-ha", required_argument, NULL, 'h' },
		{ "release-own-claims", required_argument, NULL, 'R' },
		{ "mark-investigating", required_argument, NULL, 'M' },
		{ "investigator", required_argument, NULL, 'v' },
		{ "live-hosts-file", required_argument, NULL, 'l' },
		{ "start-hook", required_argument, NULL, 'k' },
		{ "start-hook-timeout-ms", required_argument, NULL, 'K' },
		{ "work-delay-ms", required_argument, NULL, 'd' },
		{ "agent-monitor", no_argument, NULL, 'a' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'Z' },
		{ NULL, 0, NULL, 0 },
	};
	struct config	 defaults;
	enum log_level	 lvl;
	const char	*pwfile = NULL;
	char		 err[ERR_LEN];
	uint64_t	 v, day = 86400000;
	int		 c, bad = 0;

	config_defaults(&defaults);
	opt.db = defaults.db;
	config_free(&defaults);
	opt.workers = HA_WORKERS;
	opt.scale = 1;
	opt.time_to_sleep_ms = TIME_TO_SLEEP_MS;
	opt.investigate_retry_ms = INVESTIGATE_RETRY_MS;
	opt.restart_retry_ms = RESTART_RETRY_MS;
	opt.time_between_failures_ms = TIME_BETWEEN_FAILURES_MS;
	opt.heartbeat_ms = MS_HEARTBEAT_MS;
	opt.ping_interval_ms = PING_INTERVAL_MS;
	opt.ping_timeout = PING_TIMEOUT;
	opt.max_retries = MAX_RETRIES;
	opt.release_own = opt.mark_investigating = 1;
	opt.hook_timeout_ms = HOOK_TIMEOUT_MS;
	opt.investigator = INV_HOSTHA;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1 && !bad) {
		switch (c) {
		case 'H':
			bad = arg_str("--db-host", optarg, opt.db.host,
			    sizeof(opt.db.host));
			break;
		case 'P':
			if (!(bad = arg_u64("--db-port", optarg, 1, 65535, &v)))
				opt.db.port = (unsigned)v;
			break;
		case 'S':
			bad = arg_str("--db-socket", optarg, opt.db.socket,
			    sizeof(opt.db.socket));
			break;
		case 'U':
			bad = arg_str("--db-user", optarg, opt.db.user,
			    sizeof(opt.db.user));
			break;
		case 'N':
			if ((bad = arg_str("--db-name", optarg, opt.db.name,
			    65)))
				break;
			if (strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
			    strlen(optarg)) {
				fprintf(stderr, "haworker: --db-name: letters, "
				    "digits and _ only\n");
				bad = 1;
			}
			break;
		case 'p':
			pwfile = optarg;
			break;
		case 'm':
			bad = arg_u64("--msid", optarg, 1, INT64_MAX,
			    &opt.msid);
			break;
		case 'w':
			if (!(bad = arg_u64("--workers", optarg, 0, MAX_WORKERS,
			    &v)))
				opt.workers = (unsigned)v;
			break;
		case 's':
			bad = arg_u64("--time-to-sleep-ms", optarg, 1, day,
			    &opt.time_to_sleep_ms);
			break;
		case 'i':
			bad = arg_u64("--investigate-retry-ms", optarg, 1, day,
			    &opt.investigate_retry_ms);
			break;
		case 'r':
			bad = arg_u64("--restart-retry-ms", optarg, 1, day,
			    &opt.restart_retry_ms);
			break;
		case 'f':
			bad = arg_u64("--time-between-failures-ms", optarg, 1,
			    100 * day, &opt.time_between_failures_ms);
			break;
		case 'x':
			if (!(bad = arg_u64("--max-retries", optarg, 1, 1000,
			    &v)))
				opt.max_retries = (unsigned)v;
			break;
		case 'b':
			bad = arg_u64("--ms-heartbeat-ms", optarg, 1, day,
			    &opt.heartbeat_ms);
			break;
		case 'I':
			bad = arg_u64("--ping-interval-ms", optarg, 1, day,
			    &opt.ping_interval_ms);
			break;
		case 'T':
			bad = arg_double("--ping-timeout", optarg, 1,
			    &opt.ping_timeout);
			break;
		case 'F':
			if ((bad = arg_double("--scale", optarg, 1e-3,
			    &opt.scale)))
				break;
			if (opt.scale > 1e6) {
				fprintf(stderr, "haworker: --scale: at most "
				    "1000000\n");
				bad = 1;
			}
			break;
		case 'h':
			bad = arg_onoff("--force-ha", optarg, &opt.force_ha);
			break;
		case 'R':
			bad = arg_onoff("--release-own-claims", optarg,
			    &opt.release_own);
			break;
		case 'M':
			bad = arg_onoff("--mark-investigating", optarg,
			    &opt.mark_investigating);
			break;
		case 'v':
			if (strcmp(optarg, "hostha") == 0)
				opt.investigator = INV_HOSTHA;
			else if (strcmp(optarg, "db") == 0)
				opt.investigator = INV_DB;
			else {
				fprintf(stderr, "haworker: --investigator: "
				    "hostha or db, got \"%s\"\n", optarg);
				bad = 1;
			}
			break;
		case 'l':
			opt.live_hosts_file = optarg;
			break;
		case 'k':
			opt.start_hook = optarg;
			break;
		case 'K':
			bad = arg_u64("--start-hook-timeout-ms", optarg, 1, day,
			    &opt.hook_timeout_ms);
			break;
		case 'd':
			bad = arg_u64("--work-delay-ms", optarg, 0, day,
			    &opt.work_delay_ms);
			break;
		case 'a':
			opt.agent_monitor = 1;
			break;
		case 'L':
			if (log_level_parse(optarg, &lvl) == -1) {
				fprintf(stderr, "haworker: --log-level: debug, "
				    "info, warn or error\n");
				bad = 1;
			} else
				log_set_level(lvl);
			break;
		case 'Z':
			usage();
			exit(0);
		default:
			fprintf(stderr, "haworker: unknown or incomplete "
			    "option %s\n", argv[optind - 1]);
			bad = 1;
		}
	}
	if (!bad && optind < argc) {
		fprintf(stderr, "haworker: unexpected argument %s\n",
		    argv[optind]);
		bad = 1;
	}
	if (!bad && opt.msid == 0) {
		fprintf(stderr, "haworker: --msid is required\n");
		bad = 1;
	}
	if (!bad && pwfile == NULL) {
		fprintf(stderr, "haworker: --db-password-file is required\n");
		bad = 1;
	}
	if (!bad && opt.agent_monitor && opt.live_hosts_file == NULL) {
		fprintf(stderr, "haworker: --agent-monitor needs "
		    "--live-hosts-file (which agents still ping)\n");
		bad = 1;
	}
	if (!bad && opt.workers == 0 && !opt.agent_monitor) {
		fprintf(stderr, "haworker: --workers 0 without --agent-monitor "
		    "does nothing\n");
		bad = 1;
	}
	if (!bad && opt.start_hook != NULL && opt.start_hook[0] == '\0') {
		fprintf(stderr, "haworker: --start-hook: empty command\n");
		bad = 1;
	}
	if (!bad && config_read_secret_file(pwfile, opt.db.password,
	    sizeof(opt.db.password), err) == -1) {
		fprintf(stderr, "haworker: --db-password-file: %s\n", err);
		bad = 1;
	}
	if (bad) {
		usage();
		return -1;
	}
	opt.db.has_password = 1;
	if (opt.db.socket[0] != '\0')
		opt.db.host[0] = '\0';
	opt.time_to_sleep_ms = scaled(opt.time_to_sleep_ms, SCALED_MIN_MS);
	opt.investigate_retry_ms = scaled(opt.investigate_retry_ms, 1);
	opt.restart_retry_ms = scaled(opt.restart_retry_ms, 1);
	opt.time_between_failures_ms = scaled(opt.time_between_failures_ms, 1);
	opt.heartbeat_ms = scaled(opt.heartbeat_ms, HEARTBEAT_MIN_MS);
	opt.ping_interval_ms = scaled(opt.ping_interval_ms, SCALED_MIN_MS);
	return 0;
}

/* --- main --------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	pthread_t		 th[MAX_WORKERS + 2];
	pthread_condattr_t	 ca;
	sigset_t		 set;
	struct db		 db;
	char			 err[ERR_LEN];
	unsigned		 i, nth = 0;
	int			 sig, rc = 0;

	if (parse_args(argc, argv) == -1)
		return 2;
	log_info("haworker.config", "msid=%llu workers=%u investigator=%s "
	    "scale=%g time_to_sleep_ms=%llu investigate_retry_ms=%llu "
	    "restart_retry_ms=%llu time_between_failures_ms=%llu "
	    "max_retries=%u ms_heartbeat_ms=%llu agent_monitor=%s "
	    "ping_interval_ms=%llu ping_timeout=%g force_ha=%s "
	    "release_own_claims=%s mark_investigating=%s live_hosts_file=%s "
	    "start_hook=%s work_delay_ms=%llu", (unsigned long long)opt.msid,
	    opt.workers, inv_mode_name(opt.investigator), opt.scale,
	    (unsigned long long)opt.time_to_sleep_ms,
	    (unsigned long long)opt.investigate_retry_ms,
	    (unsigned long long)opt.restart_retry_ms,
	    (unsigned long long)opt.time_between_failures_ms, opt.max_retries,
	    (unsigned long long)opt.heartbeat_ms,
	    opt.agent_monitor ? "on" : "off",
	    (unsigned long long)opt.ping_interval_ms, opt.ping_timeout,
	    opt.force_ha ? "on" : "off", opt.release_own ? "on" : "off",
	    opt.mark_investigating ? "on" : "off",
	    opt.live_hosts_file ? opt.live_hosts_file : "-",
	    opt.start_hook ? "set" : "-",
	    (unsigned long long)opt.work_delay_ms);

	/* signals go to sigwait() below; hooks get an empty mask */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_condattr_destroy(&ca);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_err("haworker.fatal", "error=\"mysql_library_init\"");
		return 1;
	}

	if (haw_connect(&db, err) == -1 || lifecycle_start(&db, err) == -1) {
		log_err("haworker.fatal", "error=\"%s\"", err);
		if (db.m != NULL)
			db_close(&db);
		mysql_library_end();
		return 1;
	}
	if (pthread_create(&th[nth], NULL, heartbeat_main, NULL) == 0)
		nth++;
	if (opt.agent_monitor &&
	    pthread_create(&th[nth], NULL, monitor_main, NULL) == 0)
		nth++;
	for (i = 0; i < opt.workers; i++)
		if (pthread_create(&th[nth], NULL, worker_main,
		    (void *)(uintptr_t)i) == 0)
			nth++;
	if (nth < 1 + (unsigned)opt.agent_monitor + opt.workers) {
		log_err("haworker.fatal", "error=\"could not start threads\"");
		atomic_store(&fatal, 1);
		kill(getpid(), SIGTERM);
	}

	sigwait(&set, &sig);
	log_info("haworker.stopping", "signal=%s fatal=%d",
	    sig == SIGINT ? "INT" : "TERM", atomic_load(&fatal));
	pthread_mutex_lock(&mu);
	atomic_store(&stopping, 1);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);

	if (atomic_load(&fatal))
		rc = 1;
	else {
		/* the main connection idled while the threads worked */
		if (!db_alive(&db)) {
			db_close(&db);
			rc = haw_connect(&db, err) == -1;
		}
		if (rc == 0 && lifecycle_stop(&db, err) == -1)
			rc = 1;
		if (rc != 0)
			log_err("haworker.stop_failed", "error=\"%s\"", err);
	}
	if (db.m != NULL)
		db_close(&db);
	pthread_cond_destroy(&cv);
	explicit_bzero(opt.db.password, sizeof(opt.db.password));
	mysql_library_end();
	log_info("haworker.exit", "msid=%llu rc=%d",
	    (unsigned long long)opt.msid, rc);
	return rc;
}
