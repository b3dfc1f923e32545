/*
 * sweep_thread.c -- the daemon's paused-domain sweeper, on its own thread.
 *
 * A sweep talks to every live host's libvirt and may wait for a resume to
 * settle, which can take seconds; the tick must not.  So the sweeper runs
 * here, every sweep.interval, on its own database connection:
 *
 *   tick (main thread)                   sweeper thread
 *   ------------------                   --------------
 *   publish(hosts alive per the core,    wake every interval (or on stop),
 *           leader?, generation)    -->  copy the latest publication,
 *                                        sweeper_run() (reconcile/sweep.c),
 *                                        keep a summary for the status
 *
 * Only hosts the core holds ALIVE are swept: a fenced, suspect or returned
 * host never is.  Writes happen only while this instance leads, and every
 * write transaction checks, on the sweeper's own connection, that
 * hawatch's leader row still carries the generation (fencing token) the
 * daemon took with the lock (S4): connection ids restart with the
 * database, generations do not.
 * The thread stops within one sweep's deadlines.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "sweep.h"
#include "sweep_thread.h"
#include "util.h"

static void
cfg_copy(struct sweep_config *dst, const struct sweep_config *src)
{
	size_t	i;

	*dst = *src;
	for (i = 0; i < src->noptout; i++)
		dst->optout[i] = xstrdup(src->optout[i]);
}

static void
cfg_free(struct sweep_config *c)
{
	size_t	i;

	for (i = 0; i < c->noptout; i++)
		free(c->optout[i]);
	c->noptout = 0;
}

static void
summarize(struct sweep_thread *t, const struct sweep_run_report *r)
{
	size_t	i;

	metrics_count_sweep(&t->sum.counts, r);
	t->sum.runs++;
	t->sum.last_run_wall_ms = clock_wall_ms();
	t->sum.paused = (unsigned)r->ndoms;
	t->sum.actions = r->n_actions;
	t->sum.executed = r->n_executed;
	t->sum.failed = r->n_failed;
	t->sum.host_errors = r->n_host_errors;
	t->sum.stale_backups = r->n_stale;
	t->sum.elapsed_ms = r->elapsed_ms;
	for (i = 0; i < r->ndoms; i++)
		if (r->doms[i].exec == SWX_DONE)
			log_info("sweep.acted", "host=%u domain=%s action=%s "
			    "why=%s", r->doms[i].act.host_id,
			    r->doms[i].act.name, sweep_act_name(r->doms[i].act.kind),
			    sweep_why_name(r->doms[i].act.why));
}

/* What the sweeper thread holds between runs (its own, no lock). */
struct sweep_local {
	struct sweeper		*sw;
	struct sweep_host_in	*hosts;
	size_t			 n;
	struct sweep_config	 cfg;
	struct db		 db;
	int			 db_up, leader, enabled, changed;
	uint64_t		 gen;
};

/* Wait one interval, or until stopped.  Mutex held.  0 when stopping. */
static int
wait_interval(struct sweep_thread *t)
{
	struct timespec	until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(t->cfg.interval_ms / 1000);
	until.tv_nsec += (long)(t->cfg.interval_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!t->stop && pthread_cond_timedwait(&t->cv, &t->mu,
	    &until) != ETIMEDOUT)
		;
	return !t->stop;
}

/* Take the latest publication and config.  Mutex held. */
static void
take_publication(struct sweep_thread *t, struct sweep_local *l)
{
	free(l->hosts);
	l->n = t->nhosts;
	l->hosts = xcalloc(l->n, sizeof(*l->hosts));
	memcpy(l->hosts, t->hosts, l->n * sizeof(*l->hosts));
	l->leader = t->is_leader;
	l->gen = t->leader_gen;
	l->enabled = t->cfg.enabled;
	l->changed = t->cfg_changed;
	t->cfg_changed = 0;
	if (l->changed || l->sw == NULL) {
		cfg_free(&l->cfg);
		cfg_copy(&l->cfg, &t->cfg);
	}
	if (l->changed && l->db_up) {	/* database settings may differ */
		db_close(&l->db);
		l->db_up = 0;
	}
}

/* One sweeper run on the thread's own connection.  Mutex not held. */
static void
sweep_once(struct sweep_thread *t, struct sweep_local *l)
{
	struct sweep_run_report	r;
	struct sweep_run_opts	o;
	char			err[ERR_LEN];

	/*
	 * A restarted or unreachable database leaves this connection dead
	 * while sweeper_run() still succeeds (it reports unreadable facts):
	 * ping before each run and reconnect (bounded by the connect/read
	 * timeouts).
	 */
	if (l->db_up && !db_alive(&l->db)) {
		log_warn("sweep.db_lost", "reconnecting");
		db_close(&l->db);
		l->db_up = 0;
	}
	if (!l->db_up && db_connect(&l->db, &t->dbcfg, err) == 0)
		l->db_up = 1;
	memset(&o, 0, sizeof(o));
	o.now_ms = clock_mono_ms();
	o.is_leader = l->leader && l->db_up && l->gen != 0;
	o.actor = t->actor;
	o.command = "run";
	o.leader_lock = t->lock;
	o.leader_gen = l->gen;
	if (sweeper_run(l->sw, l->db_up ? &l->db : NULL, l->hosts, l->n, &o,
	    &r, err) == -1) {
		log_err("sweep.failed", "error=\"%s\"", err);
		return;
	}
	pthread_mutex_lock(&t->mu);
	summarize(t, &r);
	pthread_mutex_unlock(&t->mu);
	sweep_run_report_free(&r);
}

static void *
sweep_main(void *arg)
{
	struct sweep_thread	*t = arg;
	struct sweep_local	 l;
	char			 err[ERR_LEN];

	memset(&l, 0, sizeof(l));
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		if (!wait_interval(t))
			break;
		take_publication(t, &l);
		pthread_mutex_unlock(&t->mu);

		if (l.sw == NULL && (l.sw = sweeper_new(&l.cfg, err)) == NULL)
			log_err("sweep.setup", "error=\"%s\"", err);
		else if (l.changed && l.sw != NULL &&
		    sweeper_set_config(l.sw, &l.cfg, err) == -1)
			log_err("sweep.reconfig", "error=\"%s\"", err);
		if (l.sw != NULL && l.enabled)
			sweep_once(t, &l);
		pthread_mutex_lock(&t->mu);
	}
	pthread_mutex_unlock(&t->mu);
	if (l.sw != NULL)
		sweeper_free(l.sw);
	if (l.db_up)
		db_close(&l.db);
	cfg_free(&l.cfg);
	free(l.hosts);
	return NULL;
}

int
sweep_thread_start(struct sweep_thread *t, const struct config *c,
    const char *actor, const char *lock, char *err)
{
	pthread_condattr_t	ca;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	cfg_copy(&t->cfg, &c->sweep);
	t->dbcfg = c->db;
	snprintf(t->actor, sizeof(t->actor), "%s", actor);
	snprintf(t->lock, sizeof(t->lock), "%s", lock);
	if (pthread_create(&t->th, NULL, sweep_main, t) != 0) {
		set_err(err, "sweeper thread: cannot start");
		cfg_free(&t->cfg);
		return -1;
	}
	t->started = 1;
	return 0;
}

void
sweep_thread_publish(struct sweep_thread *t, const struct sweep_host_in *h,
    size_t n, int is_leader, uint64_t leader_gen)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	if (n > t->cap) {
		free(t->hosts);
		t->hosts = xcalloc(n, sizeof(*t->hosts));
		t->cap = n;
	}
	if (n > 0)
		memcpy(t->hosts, h, n * sizeof(*h));
	t->nhosts = n;
	t->is_leader = is_leader;
	t->leader_gen = leader_gen;
	pthread_mutex_unlock(&t->mu);
}

void
sweep_thread_reconfig(struct sweep_thread *t, const struct config *c)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	cfg_free(&t->cfg);
	cfg_copy(&t->cfg, &c->sweep);
	t->dbcfg = c->db;
	t->cfg_changed = 1;
	pthread_mutex_unlock(&t->mu);
}

void
sweep_thread_summary(struct sweep_thread *t, struct sweep_summary *out)
{
	memset(out, 0, sizeof(*out));
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	*out = t->sum;
	pthread_mutex_unlock(&t->mu);
}

void
sweep_thread_stop(struct sweep_thread *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	t->started = 0;
	cfg_free(&t->cfg);
	free(t->hosts);
	t->hosts = NULL;
	explicit_bzero(&t->dbcfg, sizeof(t->dbcfg));
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
}
