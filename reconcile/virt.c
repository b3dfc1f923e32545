/*
 * virt.c -- libvirt adapter, the mechanism: connections, worker threads,
 * deadlines, and the public entry points (contract in virt.h).
 *
 * Where it sits: the sweeper's runner (reconcile/sweep.c) calls
 * virt_observe_hosts() for the alive hosts, converts each paused domain
 * with virt_obs_to_sweep() (virt_convert.c), runs sweep_step(), then calls
 * virt_abort_job() / virt_resume() for the actions and reports
 * virt_*_result() to sweep_report().  `hawatch doctor` also observes.
 *
 * Mechanism: each call becomes a struct vjob (virt_impl.h) run by a
 * detached thread; what the thread does with libvirt is in virt_ops.c.  The
 * caller waits on jobs_cv until the job is done or its deadline passes; in
 * the latter case it marks the job abandoned and returns VIRT_TIMEOUT, and
 * the worker frees the job when libvirt returns.  A struct virt_conn is
 * refcounted (owner + running job) and `busy` while a job uses it, so an
 * abandoned job never races a new one on the same connection: the new one
 * gets VIRT_BUSY at once.
 *
 * Once per process virt_init() silences libvirt's printing of errors to
 * stderr and starts the default event loop in its own thread; keepalive
 * and close callbacks need it.
 *
 * Does not: decide anything, read the database, or retry.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "clock.h"
#include "log.h"
#include "util.h"
#include "virt.h"
#include "virt_impl.h"

static pthread_once_t	 init_once = PTHREAD_ONCE_INIT;
static int		 init_rc = -1;
static char		 init_err[ERR_LEN];
static pthread_t	 ev_thread;
static atomic_int	 ev_run;
static pthread_mutex_t	 jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 jobs_cv;		/* CLOCK_MONOTONIC */

static void
quiet_errors(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void *
event_loop(void *arg)
{
	(void)arg;
	while (atomic_load(&ev_run))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void
do_init(void)
{
	pthread_condattr_t	ca;

	if (virInitialize() < 0) {
		set_err(init_err, "virt: virInitialize failed");
		return;
	}
	virSetErrorFunc(NULL, quiet_errors);
	if (virEventRegisterDefaultImpl() < 0) {
		set_err(init_err, "virt: cannot register the event loop");
		return;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&jobs_cv, &ca);
	pthread_condattr_destroy(&ca);
	atomic_store(&ev_run, 1);
	if (pthread_create(&ev_thread, NULL, event_loop, NULL) != 0) {
		set_err(init_err, "virt: cannot start the event loop thread");
		return;
	}
	init_rc = 0;
}

/* Once per process, before any connection: keepalive needs the loop. */
int
virt_init(char *err)
{
	pthread_once(&init_once, do_init);
	if (init_rc < 0)
		set_err(err, "%s", init_err);
	return init_rc;
}

static void
wake_cb(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

/* At exit only: stops the event loop thread (no virt_* call after it). */
void
virt_shutdown(void)
{
	if (init_rc < 0 || !atomic_load(&ev_run))
		return;
	atomic_store(&ev_run, 0);
	virEventAddTimeout(0, wake_cb, NULL, NULL);
	pthread_join(ev_thread, NULL);
}

struct virt_conn *
virt_conn_new(uint32_t host_id, const char *uri)
{
	struct virt_conn	*vc = xcalloc(1, sizeof(*vc));

	pthread_mutex_init(&vc->mu, NULL);
	vc->refs = 1;
	vc->host_id = host_id;
	snprintf(vc->uri, sizeof(vc->uri), "%s", uri);
	return vc;
}

const char *
virt_conn_uri(const struct virt_conn *vc)
{
	return vc->uri;
}

static void
conn_unref(struct virt_conn *vc)
{
	int	last;

	pthread_mutex_lock(&vc->mu);
	last = --vc->refs == 0;
	pthread_mutex_unlock(&vc->mu);
	if (!last)
		return;
	virt_conn_drop(vc);
	pthread_mutex_destroy(&vc->mu);
	free(vc);
}

/* Drop the caller's reference; an abandoned job may still hold one. */
void
virt_conn_free(struct virt_conn *vc)
{
	if (vc != NULL)
		conn_unref(vc);
}

static void
job_free(struct vjob *j)
{
	virt_host_obs_clear(&j->obs);
	conn_unref(j->vc);
	free(j);
}

static void *
job_main(void *arg)
{
	struct vjob	*j = arg;
	int		 abandoned;

	virt_ops_run(j);
	j->obs.elapsed_ms = j->act.elapsed_ms = clock_mono_ms() - j->start_ms;
	pthread_mutex_lock(&j->vc->mu);
	j->vc->busy = 0;
	pthread_mutex_unlock(&j->vc->mu);

	pthread_mutex_lock(&jobs_mu);
	j->done = 1;
	abandoned = j->abandoned;
	pthread_cond_broadcast(&jobs_cv);
	pthread_mutex_unlock(&jobs_mu);
	if (abandoned) {
		log_info("virt.late_return", "host=%u elapsed_ms=%llu",
		    j->vc->host_id, (unsigned long long)j->obs.elapsed_ms);
		job_free(j);
	}
	return NULL;
}

/* Start a job on vc that must end by t0 + timeout_ms (monotonic); NULL
 * with *rc and err set when it cannot start.  Everything the worker reads
 * is set before its thread exists. */
static struct vjob *
job_start(struct virt_conn *vc, enum vjob_kind kind, uint64_t t0,
    uint64_t timeout_ms, const char *dom, uint64_t settle_ms,
    enum virt_rc *rc, char *err)
{
	struct vjob	*j;
	pthread_attr_t	 attr;
	pthread_t	 t;
	char		 e[ERR_LEN];
	int		 r;

	if (virt_init(e) < 0) {
		*rc = VIRT_FAILED;
		set_err(err, "%s", e);
		return NULL;
	}
	pthread_mutex_lock(&vc->mu);
	if (vc->busy) {
		pthread_mutex_unlock(&vc->mu);
		*rc = VIRT_BUSY;
		set_err(err, "host %u: an earlier libvirt call is still "
		    "running (daemon hung?)", vc->host_id);
		return NULL;
	}
	vc->busy = 1;
	vc->refs++;
	pthread_mutex_unlock(&vc->mu);

	j = xcalloc(1, sizeof(*j));
	j->kind = kind;
	j->vc = vc;
	j->done_mu = &jobs_mu;
	j->start_ms = t0;
	j->deadline_ms = t0 + timeout_ms;
	j->settle_ms = settle_ms;
	snprintf(j->dom, sizeof(j->dom), "%s", dom != NULL ? dom : "");
	j->obs.host_id = vc->host_id;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&t, &attr, job_main, j);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		pthread_mutex_lock(&vc->mu);
		vc->busy = 0;
		pthread_mutex_unlock(&vc->mu);
		job_free(j);
		*rc = VIRT_FAILED;
		set_err(err, "host %u: cannot start a worker thread",
		    vc->host_id);
		return NULL;
	}
	return j;
}

/* Wait for j until its deadline.  1: done (caller frees it); 0: abandoned
 * (the worker frees it), err says what timed out. */
static int
job_wait(struct vjob *j, char *err)
{
	struct timespec	ts;
	int		done;

	ts.tv_sec = (time_t)(j->deadline_ms / 1000);
	ts.tv_nsec = (long)(j->deadline_ms % 1000) * 1000000;
	pthread_mutex_lock(&jobs_mu);
	while (!j->done && clock_mono_ms() < j->deadline_ms)
		pthread_cond_timedwait(&jobs_cv, &jobs_mu, &ts);
	if (!(done = j->done)) {
		j->abandoned = 1;
		set_err(err, "host %u: libvirt %s timed out after %llu ms (%s)",
		    j->vc->host_id, atomic_load(&j->opening) ? "open" :
		    virt_job_kind_name(j->kind),
		    (unsigned long long)(j->deadline_ms - j->start_ms),
		    j->vc->uri);
		log_warn("virt.timeout", "host=%u call=%s timeout_ms=%llu",
		    j->vc->host_id, atomic_load(&j->opening) ? "open" :
		    virt_job_kind_name(j->kind),
		    (unsigned long long)(j->deadline_ms - j->start_ms));
	}
	pthread_mutex_unlock(&jobs_mu);
	return done;
}

enum virt_rc
virt_open(struct virt_conn *vc, uint64_t timeout_ms, char *err)
{
	struct vjob	*j;
	enum virt_rc	 rc;

	if ((j = job_start(vc, VJK_OPEN, clock_mono_ms(), timeout_ms, NULL,
	    0, &rc, err)) == NULL)
		return rc;
	if (!job_wait(j, err))
		return VIRT_TIMEOUT;
	rc = j->rc;
	if (rc != VIRT_OK)
		set_err(err, "%s", j->err);
	job_free(j);
	return rc;
}

/* The host's SMBIOS UUID (uuid_out, VIRT_UUID_LEN) within timeout_ms. */
enum virt_rc
virt_host_uuid(struct virt_conn *vc, uint64_t timeout_ms, char *uuid_out,
    char *err)
{
	struct vjob	*j;
	enum virt_rc	 rc;

	uuid_out[0] = '\0';
	if ((j = job_start(vc, VJK_HOST_UUID, clock_mono_ms(), timeout_ms,
	    NULL, 0, &rc, err)) == NULL)
		return rc;
	if (!job_wait(j, err))
		return VIRT_TIMEOUT;
	if ((rc = j->rc) != VIRT_OK)
		set_err(err, "%s", j->err);
	else
		snprintf(uuid_out, VIRT_UUID_LEN, "%s", j->host_uuid);
	job_free(j);
	return rc;
}

/*
 * Observe n hosts concurrently: one worker per host, all started before
 * any is waited for, all sharing one deadline (now + timeout_ms).  So the
 * call returns within timeout_ms (plus scheduling) whatever any host does,
 * and a hung host costs the others nothing.  out[i] belongs to conns[i].
 */
void
virt_observe_hosts(struct virt_conn *const *conns, size_t n,
    uint64_t timeout_ms, struct virt_host_obs *out)
{
	struct vjob	**jobs = xcalloc(n, sizeof(*jobs));
	uint64_t	  t0 = clock_mono_ms();
	size_t		  i;

	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].host_id = conns[i]->host_id;
		jobs[i] = job_start(conns[i], VJK_OBSERVE, t0, timeout_ms,
		    NULL, 0, &out[i].rc, out[i].err);
	}
	for (i = 0; i < n; i++) {
		if (jobs[i] == NULL)
			continue;
		if (!job_wait(jobs[i], out[i].err)) {
			out[i].rc = VIRT_TIMEOUT;
			out[i].elapsed_ms = clock_mono_ms() - t0;
			continue;
		}
		out[i] = jobs[i]->obs;
		jobs[i]->obs.paused = NULL;	/* moved to out[i] */
		jobs[i]->obs.npaused = 0;
		jobs[i]->obs.running = NULL;
		jobs[i]->obs.nrun = 0;
		job_free(jobs[i]);
	}
	free(jobs);
}

void
virt_host_obs_clear(struct virt_host_obs *ob)
{
	free(ob->paused);
	ob->paused = NULL;
	ob->npaused = 0;
	free(ob->running);
	ob->running = NULL;
	ob->nrun = 0;
}

static void
action(struct virt_conn *vc, enum vjob_kind kind, const char *dom,
    uint64_t settle_ms, uint64_t timeout_ms, struct virt_act *out)
{
	struct vjob	*j;
	uint64_t	 t0 = clock_mono_ms();

	memset(out, 0, sizeof(*out));
	out->state = out->reason = -1;
	if ((j = job_start(vc, kind, t0, timeout_ms, dom, settle_ms,
	    &out->rc, out->err)) == NULL)
		return;
	if (!job_wait(j, out->err)) {
		out->rc = VIRT_TIMEOUT;
		out->elapsed_ms = clock_mono_ms() - t0;
		return;
	}
	*out = j->act;
	job_free(j);
}

/* Abort the domain's job (dom: uuid or name). */
void
virt_abort_job(struct virt_conn *vc, const char *dom, uint64_t timeout_ms,
    struct virt_act *out)
{
	action(vc, VJK_ABORT, dom, 0, timeout_ms, out);
}

/* Resume, then watch the state for settle_ms (bounded by timeout_ms):
 * VIRT_RESUMED, VIRT_REPAUSED, or a failure. */
void
virt_resume(struct virt_conn *vc, const char *dom, uint64_t settle_ms,
    uint64_t timeout_ms, struct virt_act *out)
{
	action(vc, VJK_RESUME, dom, settle_ms, timeout_ms, out);
}
