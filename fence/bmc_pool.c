/*
 * bmc_pool.c -- the BMC pool's life cycle, targets, fence requests,
 * snapshots and counters (see bmc_pool.h); the worker threads are in
 * bmc_worker.c.
 *
 * Where it sits: observe.c reads bmc_pool_snapshot() once per tick (a
 * short copy under the mutex) and act.c turns core actions into
 * bmc_pool_request_fence().  Workers call ipmi.c without holding the mutex.
 *
 * Scheduling: one mutex and one condition variable (CLOCK_MONOTONIC).  A
 * worker takes, in order, a dropped session to close, the first idle host
 * with a queued fence, else the idle host whose poll (or confirming read)
 * is most overdue; otherwise it waits until the next one is due or until
 * it is signalled.  A confirming read is due BMC_CONFIRM_DELAY_MS after
 * the change, and not before a snapshot has copied the first reading out
 * (bmc_pool_snapshot signals the workers when it does).  "Idle"
 * (h->busy == 0) is what keeps one host's operations from overlapping.  Polls run at a fixed rate from
 * their start; a host whose poll took longer than the interval is simply
 * due again (it never queues more than one poll).
 *
 * Hosts are separately allocated so a worker can keep a pointer across an
 * unlocked operation: a host dropped by bmc_pool_set_targets() while busy
 * is marked removed and freed by that worker when it finishes; a result for
 * a target that changed meanwhile (tgen moved) is discarded.
 *
 * Sessions: each host keeps its struct ipmi_conn across operations; only
 * the worker that owns the host (busy) touches it, outside the mutex.  A
 * session whose host was dropped while idle moves to p->closing and a
 * worker closes it; at stop the workers close every kept session.
 *
 * Logging: bmc.error once per change of a host's failure status (not every
 * poll), bmc.ok when readings come back, bmc.power on a power change,
 * fence.start / fence.done per fence attempt.  Never a password.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmc_pool.h"
#include "bmc_worker.h"
#include "clock.h"
#include "log.h"
#include "util.h"

static int
host_cmp(const void *a, const void *b)
{
	const struct bmc_host	*x = *(struct bmc_host * const *)a;
	const struct bmc_host	*y = *(struct bmc_host * const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Called with the mutex held. */
static struct bmc_host *
pool_find(struct bmc_pool *p, uint32_t id)
{
	size_t	lo = 0, hi = p->nhosts, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->hosts[mid]->id == id)
			return p->hosts[mid];
		if (p->hosts[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
target_same(const struct ipmi_target *a, const struct ipmi_target *b)
{
	return strcmp(a->host, b->host) == 0 && a->port == b->port &&
	    strcmp(a->user, b->user) == 0 &&
	    strcmp(a->password, b->password) == 0 &&
	    a->cipher_suite == b->cipher_suite &&
	    a->privilege == b->privilege &&
	    a->workaround_flags == b->workaround_flags &&
	    a->session_timeout_ms == b->session_timeout_ms &&
	    a->retrans_timeout_ms == b->retrans_timeout_ms;
}

struct bmc_pool *
bmc_pool_new(unsigned nworkers, unsigned poll_interval_ms)
{
	struct bmc_pool		*p;
	pthread_condattr_t	 ca;
	char			 err[ERR_LEN];
	unsigned		 i;
	int			 e;

	if (nworkers == 0 || nworkers > BMC_POOL_MAX_WORKERS ||
	    poll_interval_ms == 0) {
		log_err("bmc.pool", "reason=\"bad arguments: workers=%u "
		    "(1..%d) poll_interval_ms=%u (>0)\"", nworkers,
		    BMC_POOL_MAX_WORKERS, poll_interval_ms);
		return NULL;
	}
	if (ipmi_global_init(err) < 0) {
		log_err("bmc.pool", "reason=\"%s\"", err);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->poll_interval_ms = poll_interval_ms;
	atomic_store(&p->reuse, 1);
	if ((p->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		log_err("bmc.pool", "reason=\"eventfd: %s\"", strerror(errno));
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->workers = xcalloc(nworkers, sizeof(*p->workers));
	for (i = 0; i < nworkers; i++) {
		if ((e = pthread_create(&p->workers[i], NULL, bmc_worker_main,
		    p)) != 0) {
			log_err("bmc.pool", "reason=\"pthread_create: %s\"",
			    strerror(e));
			break;
		}
		p->nworkers++;
	}
	if (p->nworkers < nworkers) {
		bmc_pool_free(p);
		return NULL;
	}
	return p;
}

/* Hand a dropped host's open session to the workers.  Mutex held. */
static void
pool_keep_closing(struct bmc_pool *p, const struct ipmi_conn *c)
{
	struct ipmi_conn	*n;

	n = realloc(p->closing, (p->nclosing + 1) * sizeof(*n));
	if (n == NULL)
		abort();
	p->closing = n;
	p->closing[p->nclosing++] = *c;
}

int
bmc_pool_set_targets(struct bmc_pool *p, const uint32_t ids[],
    const struct ipmi_target targets[], size_t n)
{
	struct bmc_host	**nh, *h;
	size_t		  i, j;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (ids[i] == ids[j]) {
				log_err("bmc.config", "reason=\"duplicate "
				    "host id %u\"", ids[i]);
				return -1;
			}
		}
	}
	nh = xcalloc(n, sizeof(*nh));
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < n; i++) {
		if ((h = pool_find(p, ids[i])) != NULL) {
			h->removed = -1;	/* kept: mark as seen */
			if (!target_same(&h->t, &targets[i])) {
				h->t = targets[i];
				h->tgen++;	/* its worker closes the session */
				h->next_poll_ms = 0;
				h->logged_valid = 0;
				h->last_power = BMC_ERROR;
				h->confirm_seq = 0;
			}
		} else {
			h = xcalloc(1, sizeof(*h));
			h->id = ids[i];
			h->t = targets[i];
			h->view.last_status = BMC_ERROR;
			h->last_power = BMC_ERROR;
			h->view.power = PWR_UNKNOWN;
			bmc_copy_str(h->view.last_err, sizeof(h->view.last_err),
			    "no reading yet");
			h->removed = -1;
		}
		ipmi_target_addr(&h->t, h->addr, sizeof(h->addr));
		nh[i] = h;
	}
	for (i = 0; i < p->nhosts; i++) {
		h = p->hosts[i];
		if (h->removed == -1)
			continue;
		if (h->busy) {
			h->removed = 1;		/* its worker frees it */
			continue;
		}
		if (h->sess_open)	/* a worker closes it, unlocked */
			pool_keep_closing(p, &h->conn);
		bmc_host_free(h);
	}
	for (i = 0; i < n; i++)
		nh[i]->removed = 0;
	free(p->hosts);
	p->hosts = nh;
	p->nhosts = n;
	qsort(p->hosts, p->nhosts, sizeof(*p->hosts), host_cmp);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int
bmc_pool_request_fence(struct bmc_pool *p, uint32_t id, unsigned timeout_ms)
{
	struct bmc_host	*h;
	int		 rc;

	pthread_mutex_lock(&p->mu);
	if ((h = pool_find(p, id)) == NULL)
		rc = -1;
	else if (h->fence_queued || (h->busy && h->view.fence == FENCE_RUNNING))
		rc = 1;
	else {
		h->fence_queued = 1;
		h->fence_timeout_ms = timeout_ms;
		h->view.fence = FENCE_RUNNING;
		pthread_cond_broadcast(&p->cv);
		rc = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int
bmc_pool_snapshot(struct bmc_pool *p, uint32_t id, struct bmc_view *out)
{
	struct bmc_host	*h;
	int		 rc = -1;

	pthread_mutex_lock(&p->mu);
	if ((h = pool_find(p, id)) != NULL) {
		*out = h->view;
		rc = 0;
		/* the round has seen a change: its confirming read may go */
		if (h->confirm_seq != 0 && h->seen_seq < h->confirm_seq &&
		    h->view.power_seq >= h->confirm_seq)
			pthread_cond_broadcast(&p->cv);
		h->seen_seq = h->view.power_seq;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
bmc_pool_free(struct bmc_pool *p)
{
	unsigned	i;
	size_t		j;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->stop, 1);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	/* the workers closed every session; these are for a failed start */
	for (j = 0; j < p->nhosts; j++) {
		ipmi_conn_close(&p->hosts[j]->conn);
		bmc_host_free(p->hosts[j]);
	}
	for (j = 0; j < p->nclosing; j++)
		ipmi_conn_close(&p->closing[j]);
	free(p->closing);
	free(p->hosts);
	close(p->wake_fd);
	free(p->workers);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

void
bmc_pool_stats(struct bmc_pool *p, struct bmc_pool_stats *out)
{
	pthread_mutex_lock(&p->mu);
	*out = p->st;
	pthread_mutex_unlock(&p->mu);
}

int
bmc_pool_wake_fd(const struct bmc_pool *p)
{
	return p->wake_fd;
}

void
bmc_pool_set_reuse(struct bmc_pool *p, int reuse)
{
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->reuse, reuse != 0);
	pthread_mutex_unlock(&p->mu);
}
