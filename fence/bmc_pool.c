/*
 * bmc_pool.c -- worker threads polling BMC power and running fences (see
 * bmc_pool.h).
 *
 * Where it sits: observe.c reads bmc_pool_snapshot() once per tick (a
 * short copy under the mutex) and act.c turns core actions into
 * bmc_pool_request_fence().  Workers call ipmi.c without holding the mutex.
 *
 * Scheduling: one mutex and one condition variable (CLOCK_MONOTONIC).  A
 * worker takes, in order, the first idle host with a queued fence, else the
 * idle host whose poll is most overdue; otherwise it waits until the next
 * poll is due or until it is signalled.  "Idle" (h->busy == 0) is what keeps
 * one host's operations from overlapping.  Polls run at a fixed rate from
 * their start; a host whose poll took longer than the interval is simply
 * due again (it never queues more than one poll).
 *
 * Hosts are separately allocated so a worker can keep a pointer across an
 * unlocked operation: a host dropped by bmc_pool_set_targets() while busy
 * is marked removed and freed by that worker when it finishes; a result for
 * a target that changed meanwhile (tgen moved) is discarded.
 *
 * Logging: bmc.error once per change of a host's failure status (not every
 * poll), bmc.ok when readings come back, bmc.power on a power change,
 * fence.start / fence.done per fence attempt.  Never a password.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmc_pool.h"
#include "clock.h"
#include "log.h"
#include "util.h"

#define BMC_POOL_MAX_WORKERS	64

struct bmc_host {
	uint32_t		 id;
	struct ipmi_target	 t;
	char			 addr[IPMI_ADDR_LEN];
	uint64_t		 tgen;		/* bumps when t changes */
	int			 busy;		/* a worker owns an operation */
	int			 removed;	/* dropped while busy */
	int			 fence_queued;
	unsigned		 fence_timeout_ms;
	uint64_t		 next_poll_ms;
	struct bmc_view		 view;
	enum bmc_status		 logged;	/* last status reported in logs */
	int			 logged_valid;
};

struct bmc_pool {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	atomic_int		 stop;
	unsigned		 poll_interval_ms;
	pthread_t		*workers;
	unsigned		 nworkers;
	struct bmc_host		**hosts;	/* sorted by id */
	size_t			 nhosts;
};

static void
host_free(struct bmc_host *h)
{
	ipmi_target_clear(&h->t);
	free(h);
}

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

static void
copy_str(char *dst, size_t len, const char *src)
{
	size_t	n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* What changed with a poll result, to log once the mutex is released. */
struct poll_news {
	enum { NEWS_NONE, NEWS_ERROR, NEWS_OK, NEWS_POWER } kind;
	enum bmc_status	 st, was;
};

/* Publish a poll result; decide what to log (once per change).  Mutex held. */
static struct poll_news
host_publish_poll(struct bmc_host *h, enum bmc_status st, const char *err,
    uint64_t now)
{
	struct poll_news	n = { NEWS_NONE, st, h->logged };
	int			ok = st == BMC_ON || st == BMC_OFF;

	h->view.last_status = st;
	h->view.power = bmc_status_power(st);
	h->view.power_seq++;
	h->view.last_read_mono_ms = now;
	copy_str(h->view.last_err, sizeof(h->view.last_err), ok ? "" : err);
	if (h->logged_valid && h->logged == st)
		return n;
	if (!ok)
		n.kind = NEWS_ERROR;
	else if (h->logged_valid && h->logged != BMC_ON &&
	    h->logged != BMC_OFF)
		n.kind = NEWS_OK;
	else
		n.kind = NEWS_POWER;
	h->logged = st;
	h->logged_valid = 1;
	return n;
}

static void
poll_log(const struct poll_news *n, uint32_t id, const char *addr,
    const char *err)
{
	char	q[ERR_LEN + 16];

	switch (n->kind) {
	case NEWS_NONE:
		break;
	case NEWS_ERROR:
		log_warn("bmc.error", "host=%u addr=%s status=%s message=%s",
		    id, addr, bmc_status_name(n->st),
		    log_quote(q, sizeof(q), err));
		break;
	case NEWS_OK:
		log_info("bmc.ok", "host=%u addr=%s status=%s was=%s", id,
		    addr, bmc_status_name(n->st), bmc_status_name(n->was));
		break;
	case NEWS_POWER:
		log_info("bmc.power", "host=%u addr=%s power=%s", id, addr,
		    bmc_status_name(n->st));
		break;
	}
}

/*
 * Pick the next job: a queued fence first, else the most overdue poll.
 * Returns the host (the caller marks it busy) or NULL with *wait_ms (0: no
 * deadline).
 * Mutex held.
 */
static struct bmc_host *
pool_pick(struct bmc_pool *p, uint64_t now, int *is_fence, uint64_t *wait_ms)
{
	struct bmc_host	*h, *best = NULL;
	size_t		 i;

	*wait_ms = 0;
	for (i = 0; i < p->nhosts; i++) {
		h = p->hosts[i];
		if (!h->busy && h->fence_queued) {
			*is_fence = 1;
			return h;
		}
	}
	for (i = 0; i < p->nhosts; i++) {
		h = p->hosts[i];
		if (!h->busy && (best == NULL ||
		    h->next_poll_ms < best->next_poll_ms))
			best = h;
	}
	if (best == NULL)
		return NULL;
	if (best->next_poll_ms > now) {
		*wait_ms = best->next_poll_ms - now;
		return NULL;
	}
	*is_fence = 0;
	return best;
}

static void
pool_wait(struct bmc_pool *p, uint64_t wait_ms)
{
	struct timespec	ts;
	uint64_t	at;

	if (wait_ms == 0) {
		pthread_cond_wait(&p->cv, &p->mu);
		return;
	}
	/* the condvar runs on CLOCK_MONOTONIC, like clock_mono_ms() */
	at = clock_mono_ms() + wait_ms;
	ts.tv_sec = (time_t)(at / 1000u);
	ts.tv_nsec = (long)(at % 1000u) * 1000000L;
	pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

static void
worker_fence(struct bmc_pool *p, struct bmc_host *h,
    const struct ipmi_target *t, unsigned timeout_ms)
{
	struct fence_report	r;
	char			err[ERR_LEN] = "", q[ERR_LEN + 16];
	uint32_t		id = h->id;
	char			addr[IPMI_ADDR_LEN];

	copy_str(addr, sizeof(addr), h->addr);
	pthread_mutex_unlock(&p->mu);
	log_info("fence.start", "host=%u addr=%s timeout_ms=%u", id, addr,
	    timeout_ms);
	ipmi_fence_cancelable(t, timeout_ms, &p->stop, &r, err);
	log_msg(r.result == FENCE_OFF_CONFIRMED ? LOG_LVL_INFO : LOG_LVL_WARN,
	    "fence.done", "host=%u addr=%s result=%s first=%s last=%s "
	    "control_sent=%d reads=%u elapsed_ms=%llu message=%s", id, addr,
	    fence_result_name(r.result), bmc_status_name(r.first),
	    bmc_status_name(r.last), r.control_sent, r.reads,
	    (unsigned long long)r.elapsed_ms,
	    log_quote(q, sizeof(q), r.result == FENCE_OFF_CONFIRMED ? "" : err));
	pthread_mutex_lock(&p->mu);
	/* a fence result stands even if the target changed meanwhile */
	h->view.fence = r.result;
	h->view.fence_seq++;
	h->view.fence_done_mono_ms = clock_mono_ms();
	copy_str(h->view.fence_err, sizeof(h->view.fence_err),
	    r.result == FENCE_OFF_CONFIRMED ? "" : err);
	h->next_poll_ms = 0;	/* re-query now: the off may land late */
}

static void
worker_poll(struct bmc_pool *p, struct bmc_host *h,
    const struct ipmi_target *t, uint64_t tgen)
{
	struct poll_news n = { NEWS_NONE, BMC_ERROR, BMC_ERROR };
	enum bmc_status	 st;
	char		 err[ERR_LEN] = "", addr[IPMI_ADDR_LEN];
	uint32_t	 id = h->id;

	copy_str(addr, sizeof(addr), h->addr);
	pthread_mutex_unlock(&p->mu);
	ipmi_power_status(t, &st, err);
	pthread_mutex_lock(&p->mu);
	if (h->tgen == tgen && !h->removed)
		n = host_publish_poll(h, st, err, clock_mono_ms());
	if (n.kind == NEWS_NONE)
		return;
	/* log without the mutex: a stalled stderr must not block snapshots */
	pthread_mutex_unlock(&p->mu);
	poll_log(&n, id, addr, err);
	pthread_mutex_lock(&p->mu);
}

static void *
pool_worker(void *arg)
{
	struct bmc_pool		*p = arg;
	struct bmc_host		*h;
	struct ipmi_target	 t;
	uint64_t		 now, wait_ms, tgen;
	unsigned		 fence_ms;
	int			 is_fence;

	pthread_mutex_lock(&p->mu);
	while (!atomic_load(&p->stop)) {
		now = clock_mono_ms();
		if ((h = pool_pick(p, now, &is_fence, &wait_ms)) == NULL) {
			pool_wait(p, wait_ms);
			continue;
		}
		h->busy = 1;
		t = h->t;
		tgen = h->tgen;
		if (is_fence) {
			h->fence_queued = 0;
			fence_ms = h->fence_timeout_ms;
			worker_fence(p, h, &t, fence_ms);
		} else {
			/* fixed rate from the start of this poll */
			h->next_poll_ms = now + p->poll_interval_ms;
			worker_poll(p, h, &t, tgen);
		}
		ipmi_target_clear(&t);
		h->busy = 0;
		if (h->removed)
			host_free(h);
		/* a host just went idle: others may be waiting for it */
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
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
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->workers = xcalloc(nworkers, sizeof(*p->workers));
	for (i = 0; i < nworkers; i++) {
		if ((e = pthread_create(&p->workers[i], NULL, pool_worker,
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
				h->tgen++;
				h->next_poll_ms = 0;
				h->logged_valid = 0;
			}
		} else {
			h = xcalloc(1, sizeof(*h));
			h->id = ids[i];
			h->t = targets[i];
			h->view.last_status = BMC_ERROR;
			h->view.power = PWR_UNKNOWN;
			copy_str(h->view.last_err, sizeof(h->view.last_err),
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
		if (h->busy)
			h->removed = 1;		/* its worker frees it */
		else
			host_free(h);
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
	for (j = 0; j < p->nhosts; j++)
		host_free(p->hosts[j]);
	free(p->hosts);
	free(p->workers);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
