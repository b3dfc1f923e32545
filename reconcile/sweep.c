/*
 * sweep.c -- the paused-domain sweeper's runner (contract in sweep.h):
 * observe -> CloudStack facts -> sweep_step() -> execute -> report ->
 * audit -> stale backups.
 *
 * Where it sits: the daemon calls sweeper_run() every sweep.interval for
 * its inventory (alive = hawatch's verdict, never a fenced or suspect
 * host); `hawatch sweep` calls it once.  Adapters: reconcile/virt.h
 * (libvirt, with deadlines), sweep_facts.c (database).  Decisions are the
 * core's (src/core/sweep_core.c); nothing here decides whether to resume.
 *
 * Memory: the struct sweeper owns one virt_conn per host (keyed by host id
 * and URI: a changed URI reopens) and the core's tracking table, which
 * grows before each step so the core never reports it full.
 *
 * Execution: the ABORT_JOB / RESUME records of one host run in order in
 * one thread, every host in parallel, each call bounded by call_timeout
 * (a resume also by resume_settle).  Outcomes are reported to the core,
 * logged and audited afterwards on the caller's thread (the database
 * connection is never shared).  A host whose call timed out answers the
 * rest of its calls VIRT_BUSY at once (virt.h).
 *
 * Log events: sweep.abort, sweep.resume, sweep.repaused, sweep.give_up
 * (warn, the alert), sweep.skip / sweep.leave (debug), sweep.would (dry
 * run), sweep.host_unobserved, sweep.refused, audit.failed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "util.h"

struct sw_conn {
	uint32_t		 host_id;
	char			 uri[VIRT_URI_LEN];
	struct virt_conn	*vc;
	int			 up;	/* last observation answered */
};

struct sweeper {
	struct sweep_config	 cfg;		/* optout strings owned */
	struct sweep_policy	 pol;
	struct sw_conn		*conns;
	size_t			 nconns, capconns;
	struct sweep_track	*tracks;	/* the core's memory */
	struct sweep_state	 st;
	struct sweep_actions	 acts;
};

int
sweep_policy_from_config(const struct sweep_config *c, struct sweep_policy *p,
    char *err)
{
	sweep_policy_default(p);
	p->pause_grace_ms = c->pause_grace_ms;
	p->job_stall_after_ms = c->job_stall_after_ms;
	p->max_resume_attempts = c->max_resume_attempts;
	p->resume_backoff_ms = c->resume_backoff_ms;
	/* five doublings, as the core's default (1 min -> at most 16 min) */
	p->resume_backoff_max_ms = c->resume_backoff_ms * 16;
	p->resume_settle_ms = c->resume_settle_ms;
	p->pull_job_max_age_ms = c->pull_job_max_age_ms;
	return sweep_policy_check(p, err);
}

/* 1 if name or uuid is listed in sweep.optout (uuids case-insensitive). */
int
sweep_optout_match(const struct sweep_config *c, const char *name,
    const char *uuid)
{
	size_t	i;

	for (i = 0; i < c->noptout; i++)
		if (strcmp(c->optout[i], name) == 0 ||
		    (uuid[0] != '\0' && strcasecmp(c->optout[i], uuid) == 0))
			return 1;
	return 0;
}

static void
cfg_clear(struct sweep_config *c)
{
	size_t	i;

	for (i = 0; i < c->noptout; i++)
		free(c->optout[i]);
	c->noptout = 0;
}

int
sweeper_set_config(struct sweeper *sw, const struct sweep_config *c,
    char *err)
{
	struct sweep_policy	p;
	size_t			i;

	if (sweep_policy_from_config(c, &p, err) == -1)
		return -1;
	cfg_clear(&sw->cfg);
	sw->cfg = *c;
	for (i = 0; i < c->noptout; i++)
		sw->cfg.optout[i] = xstrdup(c->optout[i]);
	sw->pol = p;
	return 0;
}

struct sweeper *
sweeper_new(const struct sweep_config *c, char *err)
{
	struct sweeper	*sw;

	if (virt_init(err) == -1)
		return NULL;
	sw = xcalloc(1, sizeof(*sw));
	if (sweeper_set_config(sw, c, err) == -1) {
		free(sw);
		return NULL;
	}
	sweep_state_init(&sw->st, NULL, 0);
	return sw;
}

static void
conn_drop(struct sweeper *sw, size_t i)
{
	virt_conn_free(sw->conns[i].vc);
	sw->conns[i] = sw->conns[--sw->nconns];
}

void
sweeper_forget_host(struct sweeper *sw, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < sw->nconns; i++)
		if (sw->conns[i].host_id == host_id) {
			conn_drop(sw, i);
			break;
		}
	sweep_forget_host(&sw->st, host_id);
}

void
sweeper_free(struct sweeper *sw)
{
	if (sw == NULL)
		return;
	while (sw->nconns > 0)
		conn_drop(sw, 0);
	free(sw->conns);
	free(sw->tracks);
	free(sw->acts.v);
	cfg_clear(&sw->cfg);
	free(sw);
}

void
sweep_run_report_free(struct sweep_run_report *r)
{
	free(r->hosts);
	free(r->doms);
	free(r->backups);
	free(r->running);
	free(r->running_host);
	free(r->vmstates);
	memset(r, 0, sizeof(*r));
}

/* The host's connection for uri: kept, replaced when the URI changed. */
static struct sw_conn *
conn_get(struct sweeper *sw, uint32_t host_id, const char *uri)
{
	struct sw_conn	*c;
	size_t		 i;

	for (i = 0; i < sw->nconns; i++) {
		c = &sw->conns[i];
		if (c->host_id != host_id)
			continue;
		if (strcmp(c->uri, uri) == 0)
			return c;
		virt_conn_free(c->vc);
		c->vc = virt_conn_new(host_id, uri);
		snprintf(c->uri, sizeof(c->uri), "%s", uri);
		c->up = 0;
		return c;
	}
	if (sw->nconns == sw->capconns) {
		sw->capconns = sw->capconns ? 2 * sw->capconns : 16;
		if ((sw->conns = realloc(sw->conns, sw->capconns *
		    sizeof(*sw->conns))) == NULL)
			abort();
	}
	c = &sw->conns[sw->nconns++];
	memset(c, 0, sizeof(*c));
	c->host_id = host_id;
	snprintf(c->uri, sizeof(c->uri), "%s", uri);
	c->vc = virt_conn_new(host_id, uri);
	return c;
}

static struct sw_conn *
conn_find(struct sweeper *sw, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < sw->nconns; i++)
		if (sw->conns[i].host_id == host_id)
			return &sw->conns[i];
	return NULL;
}

static int
host_listed(const struct sweep_host_in *h, size_t n, uint32_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (h[i].host_id == id)
			return 1;
	return 0;
}

/* Forget hosts that left the inventory: connection and memory. */
static void
prune(struct sweeper *sw, const struct sweep_host_in *h, size_t n)
{
	size_t	i;

	for (i = 0; i < sw->nconns; )
		if (!host_listed(h, n, sw->conns[i].host_id))
			conn_drop(sw, i);
		else
			i++;
	for (i = 0; i < sw->st.n; )
		if (!host_listed(h, n, sw->st.v[i].host_id))
			sweep_forget_host(&sw->st, sw->st.v[i].host_id);
		else
			i++;
}

static void
grow(void **v, size_t *cap, size_t need, size_t elem)
{
	void	*p;

	if (need <= *cap)
		return;
	need = need < 2 * *cap ? 2 * *cap : need;
	if ((p = realloc(*v, need * elem)) == NULL)
		abort();
	*v = p;
	*cap = need;
}

static int
host_cmp(const void *a, const void *b)
{
	const struct sweep_host_report	*x = a, *y = b;

	return x->host_id < y->host_id ? -1 : x->host_id > y->host_id;
}

/* --- step 1: observe ------------------------------------------------- */

static struct virt_host_obs *
observe(struct sweeper *sw, struct sweep_run_report *r)
{
	struct sweep_host_report	 *h;
	struct virt_host_obs		 *obs;
	struct virt_conn		**vcs;
	struct sw_conn			 *c;
	size_t				 *idx, i, k = 0;
	uint64_t			  timeout = sw->cfg.call_timeout_ms;
	int				  need_open = 0;
	char				  e[ERR_LEN];

	obs = xcalloc(r->nhosts + 1, sizeof(*obs));
	vcs = xcalloc(r->nhosts + 1, sizeof(*vcs));
	idx = xcalloc(r->nhosts + 1, sizeof(*idx));
	for (i = 0; i < r->nhosts; i++) {
		h = &r->hosts[i];
		if (!h->alive)
			continue;
		if (virt_uri_expand(sw->cfg.uri_template, h->ip, h->uri,
		    sizeof(h->uri), e) == -1) {
			h->uri[0] = '\0';
			h->rc = VIRT_FAILED;
			set_err(h->err, "host %u: %s", h->host_id, e);
			continue;
		}
		c = conn_get(sw, h->host_id, h->uri);
		need_open |= !c->up;
		vcs[k] = c->vc;
		idx[k++] = i;
	}
	/* one shared deadline; a fresh connection also has to open */
	if (need_open)
		timeout += sw->cfg.open_timeout_ms;
	if (k > 0)
		virt_observe_hosts(vcs, k, timeout, obs);
	/* move results to host order: obs[i] belongs to r->hosts[i] */
	for (i = k; i-- > 0; ) {
		if (idx[i] != i) {
			obs[idx[i]] = obs[i];
			memset(&obs[i], 0, sizeof(obs[i]));
		}
	}
	for (i = 0; i < r->nhosts; i++) {
		h = &r->hosts[i];
		if (!h->alive)
			continue;
		if (h->uri[0] != '\0' && (c = conn_find(sw, h->host_id))) {
			h->rc = obs[i].rc;
			snprintf(h->err, sizeof(h->err), "%s", obs[i].err);
			h->elapsed_ms = obs[i].elapsed_ms;
			h->nrunning = obs[i].nrunning;
			h->nother = obs[i].nother;
			h->npaused = obs[i].npaused;
			h->observed = obs[i].rc == VIRT_OK;
			c->up = h->observed;
		}
		if (!h->observed) {
			r->n_host_errors++;
			log_warn("sweep.host_unobserved", "host=%u uri=%s "
			    "rc=%s error=%s", h->host_id, h->uri,
			    virt_rc_name(h->rc), log_quote(e, sizeof(e),
			    h->err));
		}
	}
	free(vcs);
	free(idx);
	return obs;
}

/* --- step 2: CloudStack facts ------------------------------------------ */

static void
facts(struct db *db, struct sweep_run_report *r,
    struct sweep_dom *sd, const struct dom_obs **dobs, const uint32_t *dh,
    size_t n, struct sweep_vm_facts *f)
{
	const char	**names, **uuids;
	size_t		  i;

	r->facts_ok = 0;
	if (db == NULL) {
		set_err(r->facts_err, "no database connection: CloudStack "
		    "facts unknown, every paused domain is skipped");
		return;
	}
	names = xcalloc(n + 1, sizeof(*names));
	uuids = xcalloc(n + 1, sizeof(*uuids));
	for (i = 0; i < n; i++) {
		names[i] = dobs[i]->name;
		uuids[i] = dobs[i]->uuid;
	}
	if (sweep_facts_vms(db, names, uuids, n, f, r->facts_err) == 0)
		r->facts_ok = 1;
	free(names);
	free(uuids);
	if (!r->facts_ok) {
		log_err("sweep.facts_failed", "error=\"%s\"", r->facts_err);
		memset(f, 0, n * sizeof(*f));
		return;
	}
	for (i = 0; i < n; i++) {
		sd[i].cs_running_here = f[i].found && !f[i].removed &&
		    strcmp(f[i].state, "Running") == 0 && f[i].host_id == dh[i];
		sd[i].snapshot_in_progress = f[i].snapshot_id != 0 ||
		    f[i].volsnap_id != 0;	/* VM or volume snapshot */
		sd[i].backup_known = f[i].backup_known;
		sd[i].backup_id = f[i].backup_id;
		snprintf(sd[i].backup_status, sizeof(sd[i].backup_status), "%s",
		    f[i].backup_status);
		sd[i].backup_age_ms = f[i].backup_age_s * 1000;
	}
}

/* --- step 3: execute ---------------------------------------------------- */

struct exec_host {
	struct virt_conn	 *vc;
	struct sweep_dom_report	 *first;
	size_t			  n;
	uint64_t		  call_ms, settle_ms;
	pthread_t		  t;
	int			  started;
};

static int
to_execute(const struct sweep_dom_report *d)
{
	return d->exec == SWX_DONE && (d->act.kind == SWA_RESUME ||
	    d->act.kind == SWA_ABORT_JOB);
}

static void *
exec_main(void *arg)
{
	struct exec_host	*x = arg;
	struct sweep_dom_report	*d;
	size_t			 i;

	for (i = 0; i < x->n; i++) {
		d = &x->first[i];
		if (!to_execute(d))
			continue;
		if (d->act.kind == SWA_RESUME)
			virt_resume(x->vc, d->act.uuid, x->settle_ms,
			    x->call_ms + x->settle_ms, &d->res);
		else
			virt_abort_job(x->vc, d->act.uuid, x->call_ms, &d->res);
	}
	return NULL;
}

static void
execute(struct sweeper *sw, struct sweep_run_report *r)
{
	struct exec_host	*xs = xcalloc(r->ndoms + 1, sizeof(*xs));
	struct sw_conn		*c;
	size_t			 i, j, nx = 0, k;
	int			 any;

	for (i = 0; i < r->ndoms; i = j) {
		for (j = i, any = 0; j < r->ndoms &&
		    r->doms[j].host_id == r->doms[i].host_id; j++)
			any |= to_execute(&r->doms[j]);
		if (!any)
			continue;
		if ((c = conn_find(sw, r->doms[i].host_id)) == NULL)
			continue;	/* NOTREACHED: observed hosts have one */
		xs[nx].vc = c->vc;
		xs[nx].first = &r->doms[i];
		xs[nx].n = j - i;
		xs[nx].call_ms = sw->cfg.call_timeout_ms;
		xs[nx].settle_ms = sw->pol.resume_settle_ms;
		nx++;
	}
	for (k = 0; k < nx; k++)
		xs[k].started = pthread_create(&xs[k].t, NULL, exec_main,
		    &xs[k]) == 0;
	for (k = 0; k < nx; k++) {
		if (xs[k].started)
			pthread_join(xs[k].t, NULL);
		else
			exec_main(&xs[k]);	/* no thread: run it here */
	}
	free(xs);
}

/* --- step 4: outcomes, logs, audit ------------------------------------ */

static void
outcome(struct sweeper *sw, struct db *db, const struct sweep_run_opts *o,
    struct sweep_run_report *r, struct sweep_dom_report *d)
{
	char		q[SWEEP_TEXT_LEN + 8], e[ERR_LEN + 8];
	uint64_t	pr, rem, tot;
	int		ok;

	log_quote(q, sizeof(q), d->act.text);
	if (d->exec == SWX_NONE && d->act.why == SWW_PULL_JOB_OVERDUE) {
		log_warn("sweep.pull_job_overdue", "host=%u domain=%s text=%s",
		    d->host_id, d->obs.name, q);	/* reported, not aborted */
		return;
	}
	if (d->exec == SWX_NONE) {
		log_debug(d->act.kind == SWA_SKIP ? "sweep.skip" : "sweep.leave",
		    "host=%u domain=%s why=%s text=%s", d->host_id,
		    d->obs.name, sweep_why_name(d->act.why), q);
		return;
	}
	if (d->exec != SWX_DONE) {
		log_info("sweep.would", "host=%u domain=%s act=%s why=%s "
		    "exec=%s", d->host_id, d->obs.name,
		    sweep_act_name(d->act.kind), sweep_why_name(d->act.why),
		    sweep_exec_name(d->exec));
		return;
	}
	r->n_executed++;
	if (d->act.kind == SWA_GIVE_UP) {
		log_warn("sweep.give_up", "%s", d->act.text);
		sweep_facts_audit_dom(db, o, r, d);
		return;
	}
	d->result = d->act.kind == SWA_RESUME ? virt_resume_result(d->res.rc) :
	    virt_abort_result(d->res.rc);
	if (sweep_report(&sw->pol, &sw->st, o->now_ms, d->host_id,
	    d->act.uuid, (enum sweep_result)d->result, e) == -1)
		log_err("sweep.report_failed", "error=\"%s\"", e);
	ok = d->result == SWR_RESUMED || d->result == SWR_ABORTED;
	if (!ok && d->result != SWR_VANISHED)
		r->n_failed++;
	log_quote(e, sizeof(e), d->res.err);
	virt_progress_family(&d->obs, &pr, &rem, &tot);
	(void)rem;
	(void)tot;
	if (d->act.kind == SWA_ABORT_JOB)
		log_msg(ok ? LOG_LVL_INFO : LOG_LVL_WARN, "sweep.abort",
		    "host=%u domain=%s uuid=%s rc=%s job_op=%s processed=%llu "
		    "error=%s", d->host_id, d->obs.name, d->obs.uuid,
		    virt_rc_name(d->res.rc), virt_jobop_name(d->obs.job_op),
		    (unsigned long long)pr, e);
	else
		log_msg(ok ? LOG_LVL_INFO : LOG_LVL_WARN, d->res.rc ==
		    VIRT_REPAUSED ? "sweep.repaused" : "sweep.resume",
		    "host=%u domain=%s uuid=%s rc=%s reason=%s attempt=%u "
		    "error=%s", d->host_id, d->obs.name, d->obs.uuid,
		    virt_rc_name(d->res.rc), sweep_preason_name(d->obs.reason),
		    d->act.attempts + 1, e);
	sweep_facts_audit_dom(db, o, r, d);
}

/*
 * A decision that is not executed leaves no mark in the core's memory: no
 * in-flight action (which the next step would count as a failed attempt),
 * and a give-up not yet alerted is alerted by whoever executes later.
 */
static void
not_in_flight(struct sweeper *sw, const struct sweep_dom_report *d)
{
	size_t	i;

	for (i = 0; i < sw->st.n; i++)
		if (sw->st.v[i].host_id == d->host_id &&
		    strcmp(sw->st.v[i].uuid, d->act.uuid) == 0) {
			sw->st.v[i].inflight = 0;
			if (d->act.kind == SWA_GIVE_UP)
				sw->st.v[i].given_up = 0;
		}
}

/* --- the run ------------------------------------------------------------ */

static int
check_hosts(const struct sweep_host_in *h, size_t n, char *err)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		if (h[i].host_id == 0) {
			set_err(err, "sweep: host id 0");
			return -1;
		}
		for (j = i + 1; j < n; j++)
			if (h[i].host_id == h[j].host_id) {
				set_err(err, "sweep: host %u listed twice",
				    h[i].host_id);
				return -1;
			}
	}
	return 0;
}

/* Say who measured the grace: this run saw the domain for 0 ms. */
static void
grace_text(struct sweep_dom_report *d)
{
	static const char	pre[] = "pause grace confirmed by the "
				    "operator (--grace-met); ";
	char			t[SWEEP_TEXT_LEN];

	snprintf(t, sizeof(t), "%s%.*s", pre,
	    (int)(sizeof(t) - sizeof(pre)), d->act.text);
	memcpy(d->act.text, t, sizeof(t));
}

/* Turn the core's records (one per paused domain) into the report. */
static void
collect(struct sweeper *sw, struct sweep_run_report *r, int grace_met,
    const struct sweep_dom *sd, const struct dom_obs **dobs,
    const uint32_t *dh, const struct sweep_vm_facts *f, size_t n)
{
	const struct sweep_action	*a;
	struct sweep_dom_report		*d;
	size_t				 i, j;

	r->doms = xcalloc(sw->acts.n + 1, sizeof(*r->doms));
	for (i = 0; i < sw->acts.n; i++) {
		a = &sw->acts.v[i];
		if (a->uuid[0] == '\0')
			continue;	/* host-unobserved: in r->hosts */
		for (j = 0; j < n; j++)
			if (dh[j] == a->host_id &&
			    strcmp(sd[j].uuid, a->uuid) == 0)
				break;
		if (j == n)
			continue;	/* NOTREACHED */
		d = &r->doms[r->ndoms++];
		d->host_id = a->host_id;
		d->obs = *dobs[j];
		d->db_known = r->facts_ok;
		d->cs = f[j];
		d->optout_config = sd[j].optout_config;
		d->act = *a;
		if (grace_met && a->kind == SWA_RESUME)
			grace_text(d);
		d->result = -1;
		d->res.state = d->res.reason = -1;
		if (a->kind == SWA_RESUME || a->kind == SWA_ABORT_JOB ||
		    a->kind == SWA_GIVE_UP) {
			r->n_actions++;
			d->exec = SWX_DONE;	/* until refused below */
		}
	}
}

static void
refuse_all(struct sweeper *sw, struct sweep_run_report *r,
    enum sweep_exec why, const char *note)
{
	size_t	i;

	for (i = 0; i < r->ndoms; i++) {
		if (r->doms[i].exec != SWX_DONE)
			continue;
		/* an alert needs no audit to be raised: the leader raises it */
		if (why == SWX_REFUSED && r->doms[i].act.kind == SWA_GIVE_UP)
			continue;
		r->doms[i].exec = why;
		snprintf(r->doms[i].note, sizeof(r->doms[i].note), "%s", note);
		not_in_flight(sw, &r->doms[i]);
	}
}

int
sweeper_run(struct sweeper *sw, struct db *db,
    const struct sweep_host_in *hosts, size_t nhosts,
    const struct sweep_run_opts *o, struct sweep_run_report *r, char *err)
{
	struct sweep_policy	  pol = sw->pol;
	struct virt_host_obs	 *obs;
	struct sweep_host	 *sh;
	struct sweep_dom	 *sd;
	struct sweep_vm_facts	 *f;
	struct sweep_input	  in;
	const struct dom_obs	**dobs;
	uint32_t		 *dh;
	size_t			  i, j, n = 0, off;
	uint64_t		  t0 = clock_mono_ms();
	int			  rc = -1, writes_ready = 0;

	memset(r, 0, sizeof(*r));
	if (check_hosts(hosts, nhosts, err) == -1)
		return -1;
	r->dry_run = o->dry_run;
	r->acting = !o->dry_run && o->is_leader;
	r->backup_timeout_ms = sw->cfg.backup_timeout_ms;
	if (o->grace_met)
		pol.pause_grace_ms = 0;
	prune(sw, hosts, nhosts);

	r->nhosts = nhosts;
	r->hosts = xcalloc(nhosts + 1, sizeof(*r->hosts));
	for (i = 0; i < nhosts; i++) {
		r->hosts[i].host_id = hosts[i].host_id;
		snprintf(r->hosts[i].ip, sizeof(r->hosts[i].ip), "%s",
		    hosts[i].ip);
		r->hosts[i].alive = hosts[i].alive;
	}
	qsort(r->hosts, nhosts, sizeof(*r->hosts), host_cmp);

	/* 1. libvirt */
	obs = observe(sw, r);
	sweep_running_take(r, obs);	/* running domains and their jobs */

	/* the paused domains, contiguous per host */
	for (i = 0; i < nhosts; i++)
		n += obs[i].npaused;
	sd = xcalloc(n + 1, sizeof(*sd));
	dobs = xcalloc(n + 1, sizeof(*dobs));
	dh = xcalloc(n + 1, sizeof(*dh));
	f = xcalloc(n + 1, sizeof(*f));
	sh = xcalloc(nhosts + 1, sizeof(*sh));
	for (i = 0, off = 0; i < nhosts; i++) {
		sh[i].host_id = r->hosts[i].host_id;
		sh[i].alive = r->hosts[i].alive;
		sh[i].observed = r->hosts[i].observed;
		sh[i].doms = sd + off;
		sh[i].ndoms = obs[i].npaused;
		for (j = 0; j < obs[i].npaused; j++, off++) {
			dobs[off] = &obs[i].paused[j];
			dh[off] = r->hosts[i].host_id;
			virt_obs_to_sweep(dobs[off], &sd[off]);
			sd[off].optout_config = sweep_optout_match(&sw->cfg,
			    dobs[off]->name, dobs[off]->uuid);
		}
	}

	/* 2. CloudStack */
	if (n > 0 || db == NULL)
		facts(db, r, sd, dobs, dh, n, f);
	else
		r->facts_ok = 1;

	/* 3. decide */
	grow((void **)&sw->tracks, &sw->st.cap, sw->st.n + n + 1,
	    sizeof(*sw->tracks));
	sw->st.v = sw->tracks;
	grow((void **)&sw->acts.v, &sw->acts.cap, n + nhosts + 1,
	    sizeof(*sw->acts.v));
	in.now_ms = o->now_ms;
	in.hosts = sh;
	in.nhosts = nhosts;
	if (sweep_step(&pol, &sw->st, &in, &sw->acts, err) == -1)
		goto out;
	collect(sw, r, o->grace_met, sd, dobs, dh, f, n);

	/* execute only what can be recorded first (S9) */
	if (r->n_actions > 0 && !r->acting)
		refuse_all(sw, r, SWX_WOULD, o->dry_run ? "dry run" :
		    "not the leader");
	else if (r->n_actions > 0 && db != NULL) {
		if (sweep_facts_prepare_writes(db, o, r->act_err) == -1) {
			log_err("sweep.refused", "error=\"%s\"", r->act_err);
			refuse_all(sw, r, SWX_REFUSED, r->act_err);
		} else
			writes_ready = 1;
	}
	execute(sw, r);
	for (i = 0; i < r->ndoms; i++)
		outcome(sw, db, o, r, &r->doms[i]);

	/* 5. stale backups */
	sweep_facts_backups(db, &sw->cfg, o, writes_ready, r);

	/* 6. VMs a native backup provider left in BackupError / BackingUp */
	if (o->heal_backup_states || sw->cfg.heal_backup_states)
		sweep_backup_states(db, &sw->cfg, o, writes_ready, r);
	rc = 0;
out:
	for (i = 0; i < nhosts; i++)
		virt_host_obs_clear(&obs[i]);
	free(obs);
	free(sd);
	free(dobs);
	free(dh);
	free(f);
	free(sh);
	r->elapsed_ms = clock_mono_ms() - t0;
	if (rc == -1)
		sweep_run_report_free(r);
	return rc;
}
