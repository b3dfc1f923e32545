/*
 * sweep.c -- the paused-domain sweeper's runner (contract in sweep.h):
 * observe -> CloudStack facts -> sweep_step() -> execute -> report ->
 * audit -> stale backups.
 *
 * Where it sits: the daemon calls sweeper_run() every sweep.interval for
 * its inventory (alive = hawatch's verdict, never a fenced or suspect
 * host); `hawatch sweep` calls it once.  Adapters: reconcile/virt.h
 * (libvirt, with deadlines), sweep_facts.c, sweep_audit.c and
 * sweep_backups.c (database).  Decisions are the core's
 * (src/core/sweep_core.c, backup_rules.c); nothing here decides whether
 * to resume.
 *
 * Files: this one is the run (observe, facts, decide, the S9 gate);
 * sweeper.c the struct sweeper (config, connections, the core's tracking
 * table, which grows before each step so the core never reports it full);
 * sweep_exec.c executes and records the outcomes.
 *
 * Log events: sweep.abort, sweep.resume, sweep.repaused, sweep.give_up
 * (warn, the alert), sweep.skip / sweep.leave (debug), sweep.would (dry
 * run), sweep.host_unobserved, sweep.refused, audit.failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "sweep_impl.h"
#include "util.h"

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
		c = sweeper_conn_get(sw, h->host_id, h->uri);
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
		if (h->uri[0] != '\0' && (c = sweeper_conn_find(sw, h->host_id))) {
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
		sd[i].cs_running_here = sweep_cs_running_here(f[i].found,
		    f[i].removed, f[i].state, f[i].host_id, dh[i]);
		sd[i].snapshot_in_progress = f[i].snapshot_id != 0 ||
		    f[i].volsnap_id != 0;	/* VM or volume snapshot */
		sd[i].backup_known = f[i].backup_known;
		sd[i].backup_id = f[i].backup_id;
		snprintf(sd[i].backup_status, sizeof(sd[i].backup_status), "%s",
		    f[i].backup_status);
		sd[i].backup_age_ms = f[i].backup_age_s * 1000;
	}
}

/* --- step 3: decide, and execute only what can be recorded ------------ */

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

/* The core's input: per host its paused domains (contiguous in sd), with
 * dobs / dh giving each one's observation and host. */
static void
core_input(struct sweeper *sw, const struct sweep_run_report *r,
    const struct virt_host_obs *obs, struct sweep_host *sh,
    struct sweep_dom *sd, const struct dom_obs **dobs, uint32_t *dh)
{
	size_t	i, j, off;

	for (i = 0, off = 0; i < r->nhosts; i++) {
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
}

/* The report's hosts, sorted by id. */
static void
report_hosts(struct sweep_run_report *r, const struct sweep_host_in *hosts,
    size_t nhosts)
{
	size_t	i;

	r->nhosts = nhosts;
	r->hosts = xcalloc(nhosts + 1, sizeof(*r->hosts));
	for (i = 0; i < nhosts; i++) {
		r->hosts[i].host_id = hosts[i].host_id;
		snprintf(r->hosts[i].ip, sizeof(r->hosts[i].ip), "%s",
		    hosts[i].ip);
		r->hosts[i].alive = hosts[i].alive;
	}
	qsort(r->hosts, nhosts, sizeof(*r->hosts), host_cmp);
}

/* Execute only what can be recorded first (S9).  1: writes are ready. */
static int
gate(struct sweeper *sw, struct db *db, const struct sweep_run_opts *o,
    struct sweep_run_report *r)
{
	if (r->n_actions > 0 && !r->acting)
		refuse_all(sw, r, SWX_WOULD, o->dry_run ? "dry run" :
		    "not the leader");
	else if (r->n_actions > 0 && db != NULL) {
		if (sweep_facts_prepare_writes(db, o, r->act_err) == -1) {
			log_err("sweep.refused", "error=\"%s\"", r->act_err);
			refuse_all(sw, r, SWX_REFUSED, r->act_err);
		} else
			return 1;
	}
	return 0;
}

/*
 * S9: each RESUME / ABORT_JOB is recorded (its request row committed)
 * before it is taken; one that cannot be recorded is not taken, and the
 * core does not count it as an attempt.
 */
static void
record_requests(struct sweeper *sw, struct db *db,
    const struct sweep_run_opts *o, struct sweep_run_report *r)
{
	struct sweep_dom_report	*d;
	char			 err[ERR_LEN], q[ERR_LEN + 8];
	size_t			 i;

	for (i = 0; i < r->ndoms; i++) {
		d = &r->doms[i];
		if (d->exec != SWX_DONE || (d->act.kind != SWA_RESUME &&
		    d->act.kind != SWA_ABORT_JOB))
			continue;
		if (sweep_facts_audit_request(db, o, r, d, err) == 0)
			continue;
		d->exec = SWX_REFUSED;
		snprintf(d->note, sizeof(d->note), "not executed: %.480s", err);
		r->n_audit_errors++;
		not_in_flight(sw, d);
		log_err("sweep.refused", "host=%u domain=%s act=%s error=%s",
		    d->host_id, d->obs.name, sweep_act_name(d->act.kind),
		    log_quote(q, sizeof(q), err));
	}
}

/* Steps 5 and 6: stale backup rows; VMs a native backup provider left in
 * BackupError / BackingUp (--backup-states, sweep.heal_backup_states). */
static void
backup_steps(struct sweeper *sw, struct db *db, const struct sweep_run_opts *o,
    int writes_ready, struct sweep_run_report *r)
{
	sweep_facts_backups(db, &sw->cfg, o, writes_ready, r);
	if (o->heal_backup_states || sw->cfg.heal_backup_states)
		sweep_backup_states(db, &sw->cfg, o, writes_ready, r);
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
	size_t			  i, n = 0;
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
	sweeper_prune(sw, hosts, nhosts);

	report_hosts(r, hosts, nhosts);

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
	core_input(sw, r, obs, sh, sd, dobs, dh);

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

	writes_ready = gate(sw, db, o, r);
	record_requests(sw, db, o, r);
	sweep_exec_run(sw, r);
	for (i = 0; i < r->ndoms; i++)
		sweep_exec_outcome(sw, db, o, r, &r->doms[i]);

	backup_steps(sw, db, o, writes_ready, r);
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
