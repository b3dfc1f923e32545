/*
 * act.c -- the executor: the acting half of the supervisor's round (see
 * act.h).  It carries out what core_step() decided, through the adapter
 * tables, and keeps the daemon's own memory of it (last action per
 * host, raised alerts) for `hawatch status`.
 *
 *   fence       audit "host.fence_requested" with the evidence and the
 *               attempt number (hawatch.fence_attempt), release the console
 *               capture's SOL session, then ask the BMC pool (never
 *               blocks); no audit, no fence, and the core hears "not
 *               started"; a refusal by the pool is a failed attempt; a
 *               sent request reaches the core as "running";
 *   fence done  (read back by observe_build) collect the console capture,
 *               audit "host.fence_result" referencing it, retried on later
 *               rounds while the write fails;
 *   budget      forget a host's recorded attempts once the core counts
 *               it alive (or ignored) again;
 *   transition  logged; starts or drops a console capture;
 *   reconcile   the reconcile transaction, as the source the core
 *               recorded (host_core_view.fenced_by), leader only;
 *   returned    close the fence record and audit it, leader only;
 *               retried while the host is still returned or alive;
 *   alerts      log and remember; reports are logged.
 * Decides nothing: every "whether" is the core's, every "how" an
 * adapter's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "audit.h"
#include "clock.h"
#include "console_watch.h"
#include "daemon.h"
#include "fence_log.h"
#include "log.h"
#include "owner.h"
#include "trust.h"
#include "util.h"

/* --- the real adapters ------------------------------------------------- */

static int
real_request_fence(struct daemon *d, uint32_t host, unsigned timeout_ms)
{
	return bmc_pool_request_fence(d->bmc, host, timeout_ms);
}

static void
writer_of(const struct daemon *d, uint64_t host, struct audit_writer *w)
{
	w->actor = d->actor;
	w->command = "run";
	w->leader_lock = owner_lock(d, host);
}

static int
real_audit(struct daemon *d, const char *action, uint64_t host,
    const char *reason, const char *evidence, char *err)
{
	struct audit_writer	w;

	writer_of(d, host, &w);
	return audit_record(&d->db, &w, NULL, action, host, reason, evidence,
	    err);
}

static int
real_fence_requested(struct daemon *d, uint64_t host, unsigned attempt,
    const char *reason, const char *evidence, char *err)
{
	struct audit_writer	w;

	writer_of(d, host, &w);
	return fence_log_requested(&d->db, &w, host, attempt, reason, evidence,
	    err);
}

static int
real_budget_reset(struct daemon *d, uint64_t host, const char *reason,
    char *err)
{
	struct audit_writer	w;

	writer_of(d, host, &w);
	return fence_log_budget_reset(&d->db, &w, host, reason, err);
}

static int
real_returned(struct daemon *d, uint64_t host, const char *reason,
    const char *evidence, char *err)
{
	struct audit_writer	w;

	writer_of(d, host, &w);
	return fence_log_clear(&d->db, &w, host, reason, evidence, err);
}

static int
real_reconcile(struct daemon *d, uint64_t host, const struct rec_opts *o,
    struct rec_result *r, char *err)
{
	return reconcile_host(&d->db, host, o, r, err);
}

const struct act_bmc_funcs act_bmc_real = {
	.request_fence = real_request_fence,
	.console_transition = console_watch_transition,
	.console_release = console_watch_before_fence,
	.console_collect = console_watch_fence_result,
};

const struct act_db_funcs act_db_real = {
	.audit = real_audit,
	.fence_requested = real_fence_requested,
	.budget_reset = real_budget_reset,
	.returned = real_returned,
	.reconcile = real_reconcile,
};

static const struct act_bmc_funcs *
bmc_of(const struct daemon *d)
{
	return d->bmc_funcs != NULL ? d->bmc_funcs : &act_bmc_real;
}

static const struct act_db_funcs *
db_of(const struct daemon *d)
{
	return d->db_funcs != NULL ? d->db_funcs : &act_db_real;
}

/* --- the daemon's memory ----------------------------------------------- */

static struct host_extra *
extra_of(struct daemon *d, uint64_t id)
{
	const struct inv_host	*h = inventory_host(&d->inv, id);

	return h != NULL ? &d->extra[h - d->inv.hosts] : NULL;
}

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

static void
alert_set(struct daemon *d, const struct action *a, int on)
{
	size_t	i;

	for (i = 0; i < d->nalerts; i++)
		if (d->alerts[i].host_id == a->host_id &&
		    d->alerts[i].cluster_id == a->cluster_id &&
		    d->alerts[i].pool_id == a->pool_id &&
		    d->alerts[i].why == a->why)
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

/* --- audit ------------------------------------------------------------- */

/* One audit row, only while this instance may write for the host
 * (owner.c; logged on failure). */
static int
audit(struct daemon *d, const char *action, uint64_t host,
    const char *reason, const char *evidence)
{
	char	err[ERR_LEN];

	if (!owner_may_write(d, host))
		return -1;
	if (db_of(d)->audit(d, action, host, reason, evidence, err) == -1) {
		log_err("audit.failed", "action=%s host=%llu error=\"%s\"",
		    action, (unsigned long long)host, err);
		return -1;
	}
	return 0;
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

#define FENCE_NEWS_KEEP	1024	/* results kept for retry (all logged) */

void
act_fence_result(struct daemon *d, uint64_t host, enum fence_result r)
{
	struct host_extra	*x = extra_of(d, host);

	if (x == NULL)
		return;
	x->fence_out = r;
	x->fence_seq_out++;
}

void
act_fence_news(struct daemon *d, uint64_t host, const struct bmc_view *v)
{
	struct fence_news	*n;

	if (d->nfence_news == FENCE_NEWS_KEEP) {
		log_err("audit.lost", "action=host.fence_result host=%llu: "
		    "%d results wait for the database; the oldest is dropped",
		    (unsigned long long)d->fence_news[0].host_id,
		    FENCE_NEWS_KEEP);
		memmove(d->fence_news, d->fence_news + 1,
		    (d->nfence_news - 1) * sizeof(*d->fence_news));
		d->nfence_news--;
	}
	if (d->nfence_news == d->cap_fence_news) {
		d->cap_fence_news = d->cap_fence_news ?
		    d->cap_fence_news * 2 : 8;
		n = realloc(d->fence_news,
		    d->cap_fence_news * sizeof(*d->fence_news));
		if (n == NULL)
			abort();
		d->fence_news = n;
	}
	n = &d->fence_news[d->nfence_news++];
	memset(n, 0, sizeof(*n));
	n->host_id = host;
	n->v = *v;
	act_fence_result(d, host, v->fence);
}

/* the BMC pool logs fence.done; this records it (S9).  0, or -1 when the
 * audit row could not be written (kept for the next round) */
static int
record_fence_result(struct daemon *d, struct fence_news *n)
{
	const struct bmc_view	*v = &n->v;
	struct sbuf		 ev;
	int			 rc;

	if (n->tries++ == 0) {
		metrics_count_fence(&d->mcount, v->fence);
		set_last_action(d, n->host_id, "fence %s",
		    fence_result_name(v->fence));
	}
	sbuf_init(&ev);
	sbuf_add(&ev, "{\"result\":\"%s\",\"bmc_error\":",
	    fence_result_name(v->fence));
	sbuf_json_str(&ev, v->fence_err[0] ? v->fence_err : NULL);
	if (bmc_of(d)->console_collect != NULL)
		bmc_of(d)->console_collect(d, n->host_id, &ev);
	sbuf_add(&ev, ",\"power\":\"%s\"}", bmc_status_name(v->last_status));
	rc = audit(d, "host.fence_result", n->host_id,
	    fence_result_name(v->fence), ev.s);
	sbuf_free(&ev);
	return rc;
}

/* --- actions ------------------------------------------------------------ */

/* "host.fence_requested" with the attempt number, by its writer only */
static int
audit_fence_requested(struct daemon *d, uint64_t host, unsigned attempt,
    const char *evidence)
{
	char	err[ERR_LEN];

	if (!owner_may_write(d, host)) {
		set_err(err, "%s", d->db_up ? "not the writer" : "db down");
	} else if (db_of(d)->fence_requested(d, host, attempt,
	    "heartbeat dead", evidence, err) == 0)
		return 0;
	log_err("audit.failed", "action=host.fence_requested host=%llu "
	    "error=\"%s\"", (unsigned long long)host, err);
	return -1;
}

/* the pool has no target for the host: a failed attempt, recorded */
static void
fence_refused(struct daemon *d, uint64_t host, unsigned attempt)
{
	struct bmc_view	v;

	log_err("fence.refused", "host=%llu attempt=%u: the BMC pool has no "
	    "target for this host; counted as a failed attempt",
	    (unsigned long long)host, attempt);
	memset(&v, 0, sizeof(v));
	v.fence = FENCE_FAILED_UNKNOWN;
	v.last_status = BMC_ERROR;
	snprintf(v.fence_err, sizeof(v.fence_err), "refused: no BMC target");
	act_fence_news(d, host, &v);
	set_last_action(d, host, "fence refused (no BMC target)");
}

static void
do_fence(struct daemon *d, uint64_t host)
{
	const struct host_core_view	*v = core_host_view(d->core, host);
	struct sbuf			 ev;
	unsigned			 attempt;
	int				 r;

	/* FENCING counted this attempt; a re-asked fence (still DEAD after
	 * "not started") counts once it is sent */
	attempt = v == NULL ? 1 : v->state == HS_FENCING ? v->fence_attempts :
	    v->fence_attempts + 1;
	sbuf_init(&ev);
	host_evidence(d, host, &ev);
	/* record the decision before acting: an audit failure stops it */
	if (audit_fence_requested(d, host, attempt, ev.s) == -1) {
		act_fence_result(d, host, FENCE_NOT_STARTED);
		log_warn("fence.not_started", "host=%llu attempt=%u: not sent "
		    "and not counted, the request could not be recorded",
		    (unsigned long long)host, attempt);
		set_last_action(d, host, "fence not started (audit failed)");
		sbuf_free(&ev);
		return;
	}
	if (bmc_of(d)->console_release != NULL)
		bmc_of(d)->console_release(d, host);
	r = bmc_of(d)->request_fence(d, (uint32_t)host,
	    (unsigned)d->cfg.daemon.fence_timeout_ms);
	metrics_count_fence_request(&d->mcount);
	if (r == -1) {
		fence_refused(d, host, attempt);
		sbuf_free(&ev);
		return;
	}
	act_fence_result(d, host, FENCE_RUNNING);
	log_warn("fence.requested", "host=%llu attempt=%u evidence=%s%s",
	    (unsigned long long)host, attempt, ev.s,
	    r == 1 ? " (already running)" : "");
	set_last_action(d, host, "fence requested");
	sbuf_free(&ev);
}

static void
reconcile_done(struct daemon *d, uint64_t host, const struct rec_result *r)
{
	if (r->refused)
		log_warn("reconcile.refused", "host=%llu reason=\"%s\"",
		    (unsigned long long)host, r->refuse_reason);
	else if (r->n_changed > 0 || r->n_skipped > 0) {
		log_info("reconcile.done", "host=%llu reconciled=%u "
		    "requeued=%u migrating=%u skipped=%u elapsed_ms=%.1f",
		    (unsigned long long)host, r->n_changed, r->n_requeued,
		    r->n_migrating, r->n_skipped, r->elapsed_us / 1000.0);
		set_last_action(d, host, "reconciled %u VMs (%u re-queued)",
		    r->n_changed, r->n_requeued);
	}
}

static void
do_reconcile(struct daemon *d, uint64_t host)
{
	const struct host_core_view	*v = core_host_view(d->core, host);
	struct rec_result		 r;
	struct rec_opts			 o;
	struct sbuf			 ev;
	char				 err[ERR_LEN];
	int				 rc;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.confirm = v != NULL ? v->fenced_by : FS_NONE;
	sbuf_init(&ev);
	host_evidence(d, host, &ev);
	o.confirm_evidence = ev.s;
	o.actor = d->actor;
	o.command = "run";
	o.leader_lock = owner_lock(d, host);
	o.now_wall_ms = clock_wall_ms();
	o.cloudstack_grace_ms = d->cfg.reconcile.cloudstack_grace_ms;
	o.ms_dead_after_ms = d->cfg.db.ms_dead_after_ms;
	rc = db_of(d)->reconcile(d, host, &o, &r, err);
	metrics_count_reconcile(&d->mcount, rc == -1 ? NULL : &r);
	if (rc == -1) {
		log_err("reconcile.error", "host=%llu error=\"%s\"",
		    (unsigned long long)host, err);
		if (strstr(err, "leadership lost") != NULL &&
		    d->cfg.daemon.shard_by != SHARD_BY_CLUSTER)
			leader_lost(&d->leader, err);
		sbuf_free(&ev);
		return;
	}
	sbuf_free(&ev);
	reconcile_done(d, host, &r);
	rec_result_free(&r);
}

/* close the fence record; 0, or -1 (logged) to try again next round */
static int
close_fence_record(struct daemon *d, uint64_t host, enum act_why why)
{
	struct sbuf	ev;
	char		err[ERR_LEN];
	int		rc;

	if (!owner_may_write(d, host) || !d->inv.hw_schema)
		return 0;	/* the writer's own return event closes it */
	sbuf_init(&ev);
	host_evidence(d, host, &ev);
	rc = db_of(d)->returned(d, host, act_why_name(why), ev.s, err);
	if (rc == -1)
		log_err("audit.failed", "action=host.returned host=%llu "
		    "error=\"%s\"", (unsigned long long)host, err);
	sbuf_free(&ev);
	return rc;
}

static void
do_returned(struct daemon *d, uint64_t host, enum act_why why)
{
	struct host_extra	*x = extra_of(d, host);

	log_warn("host.returned", "host=%llu why=%s: it came back after being "
	    "fenced; it will not be fenced again until healthy for %llums",
	    (unsigned long long)host, act_why_name(why),
	    (unsigned long long)d->cfg.daemon.rearm_after_ms);
	set_last_action(d, host, "returned after fence (%s)", act_why_name(why));
	if (close_fence_record(d, host, why) == -1 && x != NULL)
		x->returned_pending = why;
}

/*
 * Bookkeeping that failed earlier or lags the core: fence records to
 * close (only while the host is still back: once fenced again, the
 * record is the new fence's), and attempt counts to forget once the
 * core counts the host alive or ignored.
 */
static void
retry_host_records(struct daemon *d)
{
	const struct host_core_view	*v;
	struct host_extra		*x;
	struct inv_host			*h;
	char				 err[ERR_LEN];
	size_t				 i;

	for (i = 0; i < d->inv.nhosts; i++) {
		h = &d->inv.hosts[i];
		x = &d->extra[i];
		v = core_host_view(d->core, h->id);
		if (x->returned_pending != WHY_NONE) {
			if (v == NULL || (v->state != HS_RETURNED &&
			    v->state != HS_ALIVE))
				x->returned_pending = WHY_NONE;
			else if (close_fence_record(d, h->id,
			    x->returned_pending) == 0)
				x->returned_pending = WHY_NONE;
		}
		if (h->fence_attempts_recorded == 0 || v == NULL ||
		    (v->state != HS_ALIVE && v->state != HS_IGNORED) ||
		    !owner_may_write(d, h->id) || !d->inv.hw_schema)
			continue;
		if (db_of(d)->budget_reset(d, h->id, host_state_name(v->state),
		    err) == -1)
			log_err("audit.failed", "action=host.fence_budget_reset "
			    "host=%llu error=\"%s\"", (unsigned long long)h->id,
			    err);
		else
			h->fence_attempts_recorded = 0;
	}
}

static void
do_alert(struct daemon *d, const struct action *a)
{
	int	on = a->kind == ACT_ALERT;

	log_msg(on ? LOG_LVL_WARN : LOG_LVL_INFO, on ? "alert.raise" :
	    "alert.clear", "host=%llu cluster=%llu pool=%u why=%s",
	    (unsigned long long)a->host_id, (unsigned long long)a->cluster_id,
	    a->pool_id, act_why_name(a->why));
	alert_set(d, a, on);
}

static void
do_action(struct daemon *d, const struct action *a)
{
	switch (a->kind) {
	case ACT_FENCE:
		do_fence(d, a->host_id);
		break;
	case ACT_RECONCILE:
		if (owner_may_write(d, a->host_id))
			do_reconcile(d, a->host_id);
		break;
	case ACT_ALERT:
	case ACT_CLEAR_ALERT:
		do_alert(d, a);
		break;
	case ACT_REPORT:
		if (a->why == WHY_HB_RETURNED || a->why == WHY_POWER_RETURNED)
			do_returned(d, a->host_id, a->why);
		else
			log_info("core.report", "host=%llu pool=%u why=%s",
			    (unsigned long long)a->host_id, a->pool_id,
			    act_why_name(a->why));
		break;
	}
}

void
act_run(struct daemon *d)
{
	size_t	i, k;

	for (i = 0, k = 0; i < d->nfence_news; i++)
		if (record_fence_result(d, &d->fence_news[i]) == -1)
			d->fence_news[k++] = d->fence_news[i];
	d->nfence_news = k;	/* the rest is tried again next round */
	for (i = 0; i < d->evs.n; i++) {
		const struct core_event *e = &d->evs.v[i];

		log_info("core.transition", "host=%llu from=%s to=%s why=%s",
		    (unsigned long long)e->host_id, host_state_name(e->from),
		    host_state_name(e->to), act_why_name(e->why));
		if (d->is_leader && bmc_of(d)->console_transition != NULL)
			bmc_of(d)->console_transition(d, e->host_id, e->to);
	}
	for (i = 0; i < d->acts.n; i++)
		do_action(d, &d->acts.v[i]);
	retry_host_records(d);
	trust_persist(d);
}

void
act_publish_sweep(struct daemon *d)
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
	    d->is_leader && d->db_up, d->leader.generation);
	free(in);
}
