/*
 * tick.c -- the supervisor's round: observe -> core_step() -> act.
 *
 *   1. database: reconnect if down, take or verify leadership, read the
 *      inventory (on failure keep the last one: the database is "down",
 *      nobody is leader, nothing is written);
 *   2. observe: heartbeat files of every host on every pool (one bounded
 *      call, hb_read_all), BMC views (non-blocking snapshots of the worker
 *      pool's latest readings and fence results);
 *   3. decide: core_step() with this tick's monotonic time -- the only
 *      clock the core ever sees;
 *   4. act: request fences, run the reconcile transaction for fenced
 *      hosts, record fences and returns in the audit table, log alerts.
 *
 * Adapters observe and act; every decision is the core's.  No step here
 * waits longer than its adapter's deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "console_watch.h"
#include "daemon.h"
#include "hw_schema.h"
#include "bmc_target.h"
#include "ipmi.h"
#include "log.h"
#include "util.h"

/* --- database and inventory ----------------------------------------- */

static void
db_down(struct daemon *d, const char *err)
{
	if (d->db_up)
		log_err("db.down", "error=\"%s\"", err);
	snprintf(d->db_err, sizeof(d->db_err), "%s", err);
	d->db_up = 0;
	d->is_leader = 0;
	leader_lost(&d->leader, "database unavailable");
	db_close(&d->db);
}

static void
db_ensure(struct daemon *d, uint64_t now)
{
	char	err[ERR_LEN];

	if (d->db_up)
		return;
	if (now < d->db_next_try_ms)
		return;
	d->db_next_try_ms = now + d->cfg.daemon.leader_retry_ms;
	if (db_connect(&d->db, &d->cfg.db, err) == -1) {
		db_down(d, err);
		return;
	}
	d->db_up = 1;
	d->db_err[0] = '\0';
	d->main_conn_id = db_connection_id(&d->db);
	log_info("db.up", "instance=%s", d->instance);
}

static struct host_extra *
extra_of(struct daemon *d, uint64_t id)
{
	const struct inv_host	*h = inventory_host(&d->inv, id);

	return h != NULL ? &d->extra[h - d->inv.hosts] : NULL;
}

/* carry per-host memory over to a new inventory (both sorted by id) */
static struct host_extra *
extra_rebuild(struct daemon *d, const struct inventory *inv)
{
	struct host_extra	*x = xcalloc(inv->nhosts, sizeof(*x));
	size_t			 i, j = 0;

	for (i = 0; i < inv->nhosts; i++) {
		while (j < d->inv.nhosts && d->inv.hosts[j].id < inv->hosts[i].id)
			j++;
		if (j < d->inv.nhosts && d->inv.hosts[j].id == inv->hosts[i].id)
			x[i] = d->extra[j];
		x[i].id = inv->hosts[i].id;
	}
	return x;
}

/* keep one open hb_pool per pool spec; open new ones, close dropped ones */
static void
slots_sync(struct daemon *d, const struct inventory *inv)
{
	struct hb_pool_slot	*ns = xcalloc(inv->npools, sizeof(*ns));
	char			 err[ERR_LEN];
	size_t			 i, j;

	for (i = 0; i < inv->npools; i++) {
		ns[i].pool_id = inv->pools[i].id;
		snprintf(ns[i].spec, sizeof(ns[i].spec), "%s",
		    inv->pools[i].spec);
		for (j = 0; j < d->nslots; j++)
			if (d->slots[j].pool != NULL &&
			    d->slots[j].pool_id == ns[i].pool_id &&
			    strcmp(d->slots[j].spec, ns[i].spec) == 0) {
				ns[i].pool = d->slots[j].pool;
				d->slots[j].pool = NULL;
				break;
			}
		if (ns[i].pool != NULL)
			continue;
		ns[i].pool = hb_pool_open(ns[i].spec, &d->hb_opts, err);
		if (ns[i].pool == NULL)
			log_err("pool.bad", "pool=%llu spec=%s error=\"%s\"",
			    (unsigned long long)ns[i].pool_id, ns[i].spec, err);
		else
			log_info("pool.open", "pool=%llu kind=%s spec=%s",
			    (unsigned long long)ns[i].pool_id,
			    hb_pool_kind(ns[i].pool), ns[i].spec);
	}
	for (j = 0; j < d->nslots; j++)
		if (d->slots[j].pool != NULL)
			hb_pool_close(d->slots[j].pool);
	free(d->slots);
	d->slots = ns;
	d->nslots = inv->npools;
}

/* 0 and t filled when the host has a usable BMC, -1 (logged) if not */
static int
bmc_target(struct daemon *d, const struct inv_host *h, struct ipmi_target *t)
{
	char	err[ERR_LEN];

	switch (bmc_target_from_config(&d->cfg, h, t, err)) {
	case 1:
		return 0;
	case -1:
		log_err("bmc.config", "host=%llu error=\"%s\"",
		    (unsigned long long)h->id, err);
		break;
	}
	return -1;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		h = (h ^ *c++) * 1099511628211ull;
	return h;
}

static void
bmc_sync(struct daemon *d)
{
	struct ipmi_target	*t = xcalloc(d->inv.nhosts, sizeof(*t));
	uint32_t		*ids = xcalloc(d->inv.nhosts, sizeof(*ids));
	uint64_t		 hash = 1469598103934665603ull;
	size_t			 i, n = 0;

	for (i = 0; i < d->inv.nhosts; i++) {
		d->extra[i].has_bmc = 0;
		if (bmc_target(d, &d->inv.hosts[i], &t[n]) == -1)
			continue;
		d->extra[i].has_bmc = 1;
		ids[n] = (uint32_t)d->inv.hosts[i].id;
		hash = fnv(hash, &ids[n], sizeof(ids[n]));
		hash = fnv(hash, &t[n], sizeof(t[n]));
		n++;
	}
	if (hash != d->bmc_targets_hash &&
	    bmc_pool_set_targets(d->bmc, ids, t, n) == 0) {
		d->bmc_targets_hash = hash;
		log_info("bmc.targets", "hosts=%zu", n);
	}
	for (i = 0; i < n; i++)
		ipmi_target_clear(&t[i]);
	free(t);
	free(ids);
}

static void
inventory_refresh(struct daemon *d)
{
	struct inventory	 inv;
	struct host_extra	*x;
	char			 err[ERR_LEN];

	if (!d->db_up)
		return;
	if (inventory_load(&d->db, &d->cfg, &inv, err) == -1) {
		db_down(d, err);
		return;
	}
	x = extra_rebuild(d, &inv);
	free(d->extra);
	inventory_free(&d->inv);
	d->inv = inv;
	d->extra = x;
	slots_sync(d, &d->inv);
	bmc_sync(d);
}

/* --- observations ----------------------------------------------------- */

static enum pwr_obs
pwr_from_bmc(const struct bmc_view *v, int has_bmc)
{
	if (!has_bmc)
		return PWR_NO_BMC;
	if (v->power_seq == 0)
		return PWR_UNKNOWN;
	switch (v->last_status) {
	case BMC_ON:
		return PWR_ON;
	case BMC_OFF:
		return PWR_OFF;
	case BMC_AUTH_PASSWORD:
	case BMC_AUTH_USER:
	case BMC_PRIVILEGE:
		return PWR_AUTH_ERROR;
	default:
		return PWR_UNKNOWN;
	}
}

static enum fence_result
fence_from_bmc(enum fence_state f)
{
	switch (f) {
	case BF_NONE:
		return FENCE_NONE;
	case BF_RUNNING:
		return FENCE_RUNNING;
	case BF_OFF_CONFIRMED:
		return FENCE_OFF_CONFIRMED;
	case BF_FAILED_UNKNOWN:
		return FENCE_FAILED_UNKNOWN;
	case BF_AUTH_ERROR:
		return FENCE_AUTH_ERROR;
	}
	return FENCE_NONE;
}

static enum ign_reason
ign_from_inv(enum inv_ignore i)
{
	switch (i) {
	case INV_WATCHED:
		return IGN_NONE;
	case INV_MAINTENANCE:
		return IGN_MAINTENANCE;
	case INV_DISABLED:
		return IGN_DISABLED;
	case INV_EXCLUDED:
		return IGN_OPERATOR;
	}
	return IGN_NONE;
}

static void
audit_fence_result(struct daemon *, const struct inv_host *,
    const struct bmc_view *);

static void
observe(struct daemon *d, struct core_obs *o, uint64_t now)
{
	struct hb_pool		**pools;
	struct hb_result	 *res;
	struct hb_pool_status	 *pst;
	const char		**ips;
	struct host_obs		 *ho;
	struct bmc_view		  v;
	size_t			  i, j, np = d->nslots, nh = d->inv.nhosts, k;

	(void)now;
	if (nh > d->obs_cap) {
		free(d->obs_hosts);
		d->obs_hosts = xcalloc(nh, sizeof(*d->obs_hosts));
		d->obs_cap = nh;
	}
	free(d->obs_pools);
	d->obs_pools = xcalloc(np, sizeof(*d->obs_pools));
	pools = xcalloc(np, sizeof(*pools));
	ips = xcalloc(nh, sizeof(*ips));
	res = xcalloc(np * nh, sizeof(*res));
	pst = xcalloc(np, sizeof(*pst));
	/* pools that failed to open stay NULL: every read on them is unknown */
	k = 0;
	for (j = 0; j < np; j++)
		if (d->slots[j].pool != NULL)
			pools[k++] = d->slots[j].pool;
	for (i = 0; i < nh; i++)
		ips[i] = d->inv.hosts[i].ip;
	if (k > 0 && nh > 0 &&
	    hb_read_all(pools, k, ips, nh, d->cfg.daemon.hb_read_deadline_ms,
	    res, pst) == -1)
		log_err("heartbeat.read", "error=\"bad arguments\"");

	/* map the compacted rows back to slots */
	for (j = 0, k = 0; j < np; j++) {
		d->obs_pools[j].pool_id = (uint32_t)d->slots[j].pool_id;
		if (d->slots[j].pool == NULL) {
			memset(&d->slots[j].st, 0, sizeof(d->slots[j].st));
			continue;
		}
		d->slots[j].st = pst[k];
		d->obs_pools[j].readable = pst[k].readable;
		d->slots[j].pool = pools[k];
		k++;
	}
	for (i = 0; i < nh; i++) {
		const struct inv_host	*h = &d->inv.hosts[i];
		struct host_extra	*x = &d->extra[i];

		ho = &d->obs_hosts[i];
		memset(ho, 0, sizeof(*ho));
		ho->host_id = h->id;
		ho->cluster_id = h->cluster_id;
		ho->ignored = ign_from_inv(h->ignore);
		ho->vms_active = h->vms_active;
		ho->operator_confirmed_off = h->fence_record &&
		    strcmp(h->fence_source, "operator") == 0;
		for (j = 0; j < h->npools && ho->nhb < CORE_MAX_POOLS_PER_HOST;
		    j++) {
			size_t			 s = h->pools[j];
			struct hb_reading	*r = &ho->hb[ho->nhb++];
			size_t			 row;

			r->pool_id = (uint32_t)d->slots[s].pool_id;
			r->status = HB_UNKNOWN;
			if (d->slots[s].pool == NULL)
				continue;
			/* row index: compacted pool index of slot s */
			for (k = 0, row = 0; k < s; k++)
				if (d->slots[k].pool != NULL)
					row++;
			r->status = res[row * nh + i].status;
			r->value = res[row * nh + i].value;
			r->mtime_ms = res[row * nh + i].mtime_ms;
			if (r->status == HB_GARBAGE)
				log_debug("heartbeat.garbage", "host=%llu "
				    "pool=%llu reason=\"%s\"",
				    (unsigned long long)h->id,
				    (unsigned long long)d->slots[s].pool_id,
				    res[row * nh + i].err);
		}
		if (bmc_pool_snapshot(d->bmc, (uint32_t)h->id, &v) == -1)
			memset(&v, 0, sizeof(v));
		ho->power = pwr_from_bmc(&v, x->has_bmc);
		ho->power_seq = v.power_seq;
		ho->fence = fence_from_bmc(v.fence);
		ho->fence_seq = v.fence_seq;
		if (v.fence_seq != x->fence_seq_seen) {
			x->fence_seq_seen = v.fence_seq;
			audit_fence_result(d, h, &v);
		}
	}
	o->now_ms = now;
	o->is_leader = d->is_leader;
	o->hosts = d->obs_hosts;
	o->nhosts = nh;
	o->pools = d->obs_pools;
	o->npools = np;
	free(pools);
	free(ips);
	free(res);
	free(pst);
}

/* --- actions ------------------------------------------------------------ */

static void
set_last_action(struct daemon *d, uint64_t host, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_last_action(struct daemon *d, uint64_t host, const char *fmt, ...)
{
	struct host_extra	*x = extra_of(d, host);
	va_list			 ap;

	if (x == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(x->last_action, sizeof(x->last_action), fmt, ap);
	va_end(ap);
	x->last_action_wall_ms = clock_wall_ms();
}

/* One audit row (plus an optional statement) in one leader-checked txn. */
static int
audit_write(struct daemon *d, const char *extra_sql, const char *action,
    uint64_t host, const char *reason, const char *evidence)
{
	struct audit_row	a;
	struct sbuf		sb;
	char			err[ERR_LEN];
	int			rc = -1;

	if (!d->is_leader || !d->db_up)
		return -1;
	if (hw_schema_ensure(&d->db, err) == -1 || db_begin(&d->db, err) == -1)
		goto out;
	if (extra_sql != NULL &&
	    db_exec(&d->db, action, extra_sql, NULL, err) == -1)
		goto rollback;
	memset(&a, 0, sizeof(a));
	a.action = action;
	a.host_id = host;
	a.reason = reason;
	a.evidence = evidence;
	sbuf_init(&sb);
	audit_insert_begin(&d->db, &sb);
	audit_insert_row(&d->db, &sb, 1, d->actor, "run", &a);
	rc = db_exec(&d->db, "write audit", sb.s, NULL, err);
	sbuf_free(&sb);
	if (rc == -1 || db_check_holds_lock(&d->db, d->leader.lock, err) == -1)
		goto rollback;
	if (db_commit(&d->db, err) == -1)
		goto out;
	return 0;
rollback:
	db_rollback(&d->db);
out:
	log_err("audit.failed", "action=%s host=%llu error=\"%s\"", action,
	    (unsigned long long)host, err);
	return -1;
}

static void
host_evidence(struct daemon *d, uint64_t host, struct sbuf *ev)
{
	const struct host_core_view	*v = core_host_view(d->core, host);
	const struct inv_host		*h = inventory_host(&d->inv, host);
	size_t				 i;
	uint64_t			 now = clock_mono_ms();

	sbuf_add(ev, "{\"host\":%llu,\"ip\":", (unsigned long long)host);
	sbuf_json_str(ev, h ? h->ip : NULL);
	if (v != NULL) {
		sbuf_add(ev, ",\"state\":\"%s\",\"why\":\"%s\",\"power\":\"%s\","
		    "\"fence_attempts\":%u,\"stale_ms\":%llu,\"pools\":[",
		    host_state_name(v->state), act_why_name(v->why),
		    pwr_obs_name(v->power), v->fence_attempts,
		    (unsigned long long)v->stale_ms);
		for (i = 0; i < v->npools; i++)
			sbuf_add(ev, "%s{\"pool\":%u,\"status\":\"%s\","
			    "\"readable\":%s,\"unchanged_ms\":%lld}",
			    i ? "," : "", v->pools[i].pool_id,
			    hb_status_name(v->pools[i].status),
			    v->pools[i].readable ? "true" : "false",
			    (long long)((int64_t)now - v->pools[i].last_change_ms));
		sbuf_add(ev, "]");
	}
	sbuf_add(ev, ",\"vms_active\":%u}", h ? h->vms_active : 0);
}

static void
audit_fence_result(struct daemon *d, const struct inv_host *h,
    const struct bmc_view *v)
{
	struct sbuf	ev;

	/* the BMC pool logs fence.done; this records it (S9) */
	set_last_action(d, h->id, "fence %s", fence_state_name(v->fence));
	sbuf_init(&ev);
	sbuf_add(&ev, "{\"result\":\"%s\",\"bmc_error\":",
	    fence_state_name(v->fence));
	sbuf_json_str(&ev, v->fence_err[0] ? v->fence_err : NULL);
	console_watch_fence_result(d, h->id, &ev);
	sbuf_add(&ev, ",\"power\":\"%s\"}", bmc_status_name(v->last_status));
	(void)audit_write(d, NULL, "host.fence_result", h->id,
	    fence_state_name(v->fence), ev.s);
	sbuf_free(&ev);
}

static void
do_fence(struct daemon *d, uint64_t host)
{
	const struct host_core_view	*v;
	struct sbuf			 ev;
	int				 r;

	sbuf_init(&ev);
	host_evidence(d, host, &ev);
	/* record the decision before acting: an audit failure stops it */
	if (audit_write(d, NULL, "host.fence_requested", host, "heartbeat dead",
	    ev.s) == -1) {
		sbuf_free(&ev);
		return;
	}
	console_watch_before_fence(d, host);
	r = bmc_pool_request_fence(d->bmc, (uint32_t)host,
	    (unsigned)d->cfg.daemon.fence_timeout_ms);
	v = core_host_view(d->core, host);
	log_warn("fence.requested", "host=%llu attempt=%u evidence=%s%s",
	    (unsigned long long)host, v ? v->fence_attempts : 0, ev.s,
	    r == 1 ? " (already running)" : "");
	set_last_action(d, host, "fence requested");
	sbuf_free(&ev);
}

static void
do_reconcile(struct daemon *d, uint64_t host)
{
	struct host_extra	*x = extra_of(d, host);
	struct rec_result	 r;
	struct rec_opts		 o;
	struct sbuf		 ev;
	char			 err[ERR_LEN];

	memset(&o, 0, sizeof(o));
	o.confirm = x != NULL ? x->fenced_by : FS_NONE;
	sbuf_init(&ev);
	host_evidence(d, host, &ev);
	o.confirm_evidence = ev.s;
	o.actor = d->actor;
	o.command = "run";
	o.leader_lock = d->leader.lock;
	o.now_wall_ms = clock_wall_ms();
	if (reconcile_host(&d->db, host, &o, &r, err) == -1) {
		log_err("reconcile.error", "host=%llu error=\"%s\"",
		    (unsigned long long)host, err);
		if (strstr(err, "leadership lost") != NULL)
			leader_lost(&d->leader, err);
		sbuf_free(&ev);
		return;
	}
	sbuf_free(&ev);
	if (r.refused)
		log_warn("reconcile.refused", "host=%llu reason=\"%s\"",
		    (unsigned long long)host, r.refuse_reason);
	else if (r.n_changed > 0 || r.n_skipped > 0) {
		log_info("reconcile.done", "host=%llu reconciled=%u "
		    "requeued=%u migrating=%u skipped=%u elapsed_ms=%.1f",
		    (unsigned long long)host, r.n_changed, r.n_requeued,
		    r.n_migrating, r.n_skipped, r.elapsed_us / 1000.0);
		set_last_action(d, host, "reconciled %u VMs (%u re-queued)",
		    r.n_changed, r.n_requeued);
	}
	rec_result_free(&r);
}

static void
do_returned(struct daemon *d, uint64_t host, enum act_why why)
{
	struct sbuf	sql, ev;
	char		t[160];

	log_warn("host.returned", "host=%llu why=%s: it came back after being "
	    "fenced; it will not be fenced again until healthy for %llums",
	    (unsigned long long)host, act_why_name(why),
	    (unsigned long long)d->cfg.daemon.rearm_after_ms);
	set_last_action(d, host, "returned after fence (%s)", act_why_name(why));
	if (!d->is_leader || !d->inv.hw_schema)
		return;
	sbuf_init(&sql);
	sbuf_init(&ev);
	sbuf_add(&sql, "UPDATE %s SET cleared_at = UTC_TIMESTAMP(3), "
	    "cleared_reason = '%s' WHERE host_id = %llu AND cleared_at IS NULL",
	    hw_table(&d->db, "fenced_host", t, sizeof(t)), act_why_name(why),
	    (unsigned long long)host);
	host_evidence(d, host, &ev);
	(void)audit_write(d, sql.s, "host.returned", host, act_why_name(why),
	    ev.s);
	sbuf_free(&sql);
	sbuf_free(&ev);
}

static void
alert_set(struct daemon *d, const struct action *a, int on)
{
	size_t	i;

	for (i = 0; i < d->nalerts; i++)
		if (d->alerts[i].host_id == a->host_id &&
		    d->alerts[i].cluster_id == a->cluster_id &&
		    d->alerts[i].pool_id == a->pool_id)
			break;
	if (!on) {
		if (i < d->nalerts)
			d->alerts[i] = d->alerts[--d->nalerts];
		return;
	}
	if (i == d->nalerts) {
		if (d->nalerts == d->cap_alerts) {
			d->cap_alerts = d->cap_alerts ? d->cap_alerts * 2 : 16;
			d->alerts = realloc(d->alerts,
			    d->cap_alerts * sizeof(*d->alerts));
			if (d->alerts == NULL)
				abort();
		}
		d->nalerts++;
		d->alerts[i].since_wall_ms = clock_wall_ms();
	}
	d->alerts[i].host_id = a->host_id;
	d->alerts[i].cluster_id = a->cluster_id;
	d->alerts[i].pool_id = a->pool_id;
	d->alerts[i].why = a->why;
}

static enum fence_source
source_of(enum act_why why)
{
	switch (why) {
	case WHY_POWER_OFF_CONFIRMED:
	case WHY_FENCE_OFF_CONFIRMED:
		return FS_BMC;
	case WHY_SELF_FENCE_ELAPSED:
		return FS_SELF_FENCE;
	case WHY_OPERATOR_CONFIRMED:
		return FS_OPERATOR;
	default:
		return FS_NONE;
	}
}

static void
act(struct daemon *d)
{
	struct host_extra	*x;
	size_t			 i;

	for (i = 0; i < d->evs.n; i++) {
		const struct core_event *e = &d->evs.v[i];

		log_info("core.transition", "host=%llu from=%s to=%s why=%s",
		    (unsigned long long)e->host_id, host_state_name(e->from),
		    host_state_name(e->to), act_why_name(e->why));
		if (e->to == HS_FENCED && (x = extra_of(d, e->host_id)) != NULL)
			x->fenced_by = source_of(e->why);
		console_watch_transition(d, e->host_id, e->to);
	}
	for (i = 0; i < d->acts.n; i++) {
		const struct action *a = &d->acts.v[i];

		switch (a->kind) {
		case ACT_FENCE:
			do_fence(d, a->host_id);
			break;
		case ACT_RECONCILE:
			if (d->db_up && d->is_leader)
				do_reconcile(d, a->host_id);
			break;
		case ACT_ALERT:
			log_warn("alert.raise", "host=%llu cluster=%llu pool=%u "
			    "why=%s", (unsigned long long)a->host_id,
			    (unsigned long long)a->cluster_id, a->pool_id,
			    act_why_name(a->why));
			alert_set(d, a, 1);
			break;
		case ACT_CLEAR_ALERT:
			log_info("alert.clear", "host=%llu cluster=%llu pool=%u "
			    "why=%s", (unsigned long long)a->host_id,
			    (unsigned long long)a->cluster_id, a->pool_id,
			    act_why_name(a->why));
			alert_set(d, a, 0);
			break;
		case ACT_REPORT:
			if (a->why == WHY_HB_RETURNED ||
			    a->why == WHY_POWER_RETURNED)
				do_returned(d, a->host_id, a->why);
			else
				log_info("core.report", "host=%llu pool=%u why=%s",
				    (unsigned long long)a->host_id, a->pool_id,
				    act_why_name(a->why));
			break;
		}
	}
}

/* hand the sweeper thread the hosts it may sweep: the core's ALIVE ones */
static void
publish_sweep(struct daemon *d)
{
	struct sweep_host_in		*in;
	const struct host_core_view	*v;
	size_t				 i;

	in = xcalloc(d->inv.nhosts, sizeof(*in));
	for (i = 0; i < d->inv.nhosts; i++) {
		in[i].host_id = (uint32_t)d->inv.hosts[i].id;
		snprintf(in[i].ip, sizeof(in[i].ip), "%s", d->inv.hosts[i].ip);
		v = core_host_view(d->core, d->inv.hosts[i].id);
		in[i].alive = v != NULL && v->state == HS_ALIVE;
	}
	sweep_thread_publish(&d->sweep, in, d->inv.nhosts,
	    d->is_leader && d->db_up, d->main_conn_id);
	free(in);
}

static void
grow(void **v, size_t *cap, size_t need, size_t elem)
{
	void	*n;

	if (*cap >= need)
		return;
	if ((n = realloc(*v, need * elem)) == NULL)
		abort();
	*v = n;
	*cap = need;
}

int
tick_run(struct daemon *d, uint64_t now)
{
	struct core_obs	o;
	char		err[ERR_LEN];
	size_t		need;
	int		r;

	uint64_t	t0 = clock_mono_us(), t1, t2, t3;

	db_ensure(d, now);
	if (d->db_up) {
		r = leader_tick(&d->leader, &d->db, now,
		    d->cfg.daemon.leader_retry_ms, err);
		if (r == -1)
			db_down(d, err);
		d->is_leader = r == 1;
	}
	inventory_refresh(d);
	t1 = clock_mono_us();
	observe(d, &o, now);
	t2 = clock_mono_us();
	if (core_state_reserve(d->core, o.nhosts, o.npools) == -1)
		abort();
	need = core_out_bound(d->core, &o);
	d->acts.n = d->evs.n = 0;
	grow((void **)&d->acts.v, &d->acts.cap, need, sizeof(*d->acts.v));
	grow((void **)&d->evs.v, &d->evs.cap, need, sizeof(*d->evs.v));
	if (core_obs_check(&d->pol, d->core, &o, &d->acts, &d->evs, err) != 0 ||
	    core_step(&d->pol, d->core, &o, &d->acts, &d->evs) == -1) {
		log_err("core.refused", "error=\"%s\"", err);
		return -1;
	}
	t3 = clock_mono_us();
	act(d);
	publish_sweep(d);
	d->phase_us[0] = t1 - t0;
	d->phase_us[1] = t2 - t1;
	d->phase_us[2] = t3 - t2;
	d->phase_us[3] = clock_mono_us() - t3;
	d->ticks++;
	return 0;
}
