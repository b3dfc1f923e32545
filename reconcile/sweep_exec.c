/*
 * sweep_exec.c -- step 3 and 4 of a sweep: execute the ABORT_JOB / RESUME
 * records, then report each outcome to the core, log it and audit it.
 *
 * Execution: the records of one host run in order in one thread, every
 * host in parallel, each call bounded by call_timeout (a resume also by
 * resume_settle).  Outcomes are reported to the core, logged and audited
 * afterwards on the caller's thread (the database connection is never
 * shared).  A host whose call timed out answers the rest of its calls
 * VIRT_BUSY at once (virt.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sweep.h"
#include "sweep_impl.h"
#include "util.h"

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

void
sweep_exec_run(struct sweeper *sw, struct sweep_run_report *r)
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
		if ((c = sweeper_conn_find(sw, r->doms[i].host_id)) == NULL)
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

void
sweep_exec_outcome(struct sweeper *sw, struct db *db,
    const struct sweep_run_opts *o, struct sweep_run_report *r,
    struct sweep_dom_report *d)
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
	virt_progress_family(&d->obs, &pr, &rem, &tot);	/* disk_ or data_ */
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
