/*
 * bmc_worker.c -- the BMC pool's worker threads (see bmc_pool.h for the
 * contract, bmc_pool.c for the scheduling rules and the session life
 * cycle): pick the next job, poll or fence over the host's kept session,
 * publish the result, plan a confirming read after a power change, and
 * wake the daemon.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmc_worker.h"
#include "clock.h"
#include "log.h"
#include "util.h"

void
bmc_host_free(struct bmc_host *h)
{
	ipmi_target_clear(&h->t);
	free(h);
}

void
bmc_copy_str(char *dst, size_t len, const char *src)
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

/* Wake the daemon's round (bmc_pool_wake_fd); any thread, no mutex. */
static void
pool_wake(struct bmc_pool *p)
{
	uint64_t	one = 1;

	/* EAGAIN: the counter is full, the fd readable anyway */
	if (write(p->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("bmc.wake", "error=\"%s\"", strerror(errno));
}

/*
 * After a reading: a power value that differs from the host's previous
 * one asks for a confirming read soon (bmc_pool.h); the change and its
 * confirmation wake the daemon.  Returns 1 to wake.  Mutex held.
 */
static int
host_confirm_plan(struct bmc_pool *p, struct bmc_host *h, enum bmc_status st,
    int was_confirm, uint64_t now)
{
	int	ok = st == BMC_ON || st == BMC_OFF;
	int	changed = ok && h->last_power != BMC_ERROR &&
	    st != h->last_power;

	if (ok)
		h->last_power = st;
	h->confirm_seq = 0;
	if (changed) {
		h->confirm_seq = h->view.power_seq;
		h->confirm_at_ms = now + BMC_CONFIRM_DELAY_MS;
	}
	if (was_confirm)
		p->st.confirms++;
	return changed || (was_confirm && ok);
}

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
	bmc_copy_str(h->view.last_err, sizeof(h->view.last_err), ok ? "" : err);
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

/* When h's next read is due: its poll, or an earlier confirming read
 * once a snapshot has seen the change.  Mutex held. */
static uint64_t
host_due(const struct bmc_host *h)
{
	if (h->confirm_seq != 0 && h->seen_seq >= h->confirm_seq &&
	    h->confirm_at_ms < h->next_poll_ms)
		return h->confirm_at_ms;
	return h->next_poll_ms;
}

/*
 * Pick the next job: a queued fence first, else the most overdue read.
 * Returns the host (the caller marks it busy) or NULL with *wait_ms (0: no
 * deadline).
 * Mutex held.
 */
static struct bmc_host *
pool_pick(struct bmc_pool *p, uint64_t now, int *is_fence, uint64_t *wait_ms)
{
	struct bmc_host	*h, *best = NULL;
	uint64_t	 due, best_due = 0;
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
		if (h->busy)
			continue;
		due = host_due(h);
		if (best == NULL || due < best_due) {
			best = h;
			best_due = due;
		}
	}
	if (best == NULL)
		return NULL;
	if (best_due > now) {
		*wait_ms = best_due - now;
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

/* Add what one operation did to the host's session to the pool's
 * counters.  Mutex held. */
static void
stats_add(struct bmc_pool *p, struct bmc_host *h, const struct ipmi_conn *was)
{
	const struct ipmi_conn	*c = &h->conn;

	p->st.opens += c->opens - was->opens;
	p->st.open_failures += c->open_failures - was->open_failures;
	p->st.reads_reused += c->reads_reused - was->reads_reused;
	p->st.reopen_idle += c->reopen_idle - was->reopen_idle;
	p->st.reopen_error += c->reopen_error - was->reopen_error;
	if (h->sess_open != (c->ctx != NULL)) {
		h->sess_open = c->ctx != NULL;
		if (h->sess_open)
			p->st.sessions_open++;
		else
			p->st.sessions_open--;
	}
}

/* Before an operation, unlocked: a session opened for an older target
 * is closed (the target's address or credentials changed). */
static void
conn_prepare(struct bmc_host *h, uint64_t tgen)
{
	if (h->conn_tgen != tgen)
		ipmi_conn_close(&h->conn);
	h->conn_tgen = tgen;
}

static void
worker_fence(struct bmc_pool *p, struct bmc_host *h,
    const struct ipmi_target *t, uint64_t tgen, unsigned timeout_ms)
{
	struct fence_report	r;
	struct ipmi_conn	was = h->conn;
	char			err[ERR_LEN] = "", q[ERR_LEN + 16];
	uint32_t		id = h->id;
	char			addr[IPMI_ADDR_LEN];

	bmc_copy_str(addr, sizeof(addr), h->addr);
	pthread_mutex_unlock(&p->mu);
	log_info("fence.start", "host=%u addr=%s timeout_ms=%u", id, addr,
	    timeout_ms);
	conn_prepare(h, tgen);
	ipmi_conn_fence(&h->conn, t, timeout_ms, &p->stop, &r, err);
	if (!atomic_load(&p->reuse))
		ipmi_conn_close(&h->conn);
	log_msg(r.result == FENCE_OFF_CONFIRMED ? LOG_LVL_INFO : LOG_LVL_WARN,
	    "fence.done", "host=%u addr=%s result=%s first=%s last=%s "
	    "control_sent=%d reads=%u elapsed_ms=%llu message=%s", id, addr,
	    fence_result_name(r.result), bmc_status_name(r.first),
	    bmc_status_name(r.last), r.control_sent, r.reads,
	    (unsigned long long)r.elapsed_ms,
	    log_quote(q, sizeof(q), r.result == FENCE_OFF_CONFIRMED ? "" : err));
	pool_wake(p);
	pthread_mutex_lock(&p->mu);
	stats_add(p, h, &was);
	p->st.fences++;
	p->st.wakes++;
	/* a fence result stands even if the target changed meanwhile */
	h->view.fence = r.result;
	h->view.fence_seq++;
	h->view.fence_done_mono_ms = clock_mono_ms();
	bmc_copy_str(h->view.fence_err, sizeof(h->view.fence_err),
	    r.result == FENCE_OFF_CONFIRMED ? "" : err);
	h->next_poll_ms = 0;	/* re-query now: the off may land late */
}

static void
worker_poll(struct bmc_pool *p, struct bmc_host *h,
    const struct ipmi_target *t, uint64_t tgen)
{
	struct poll_news n = { NEWS_NONE, BMC_ERROR, BMC_ERROR };
	struct ipmi_conn was = h->conn;
	enum bmc_status	 st;
	char		 err[ERR_LEN] = "", addr[IPMI_ADDR_LEN];
	uint32_t	 id = h->id;
	uint64_t	 t0, now;
	int		 was_confirm = h->confirm_seq != 0, wake = 0;

	bmc_copy_str(addr, sizeof(addr), h->addr);
	pthread_mutex_unlock(&p->mu);
	t0 = clock_mono_us();
	conn_prepare(h, tgen);
	ipmi_conn_power(&h->conn, t, &st, err);
	if (!atomic_load(&p->reuse))
		ipmi_conn_close(&h->conn);
	now = clock_mono_us();
	pthread_mutex_lock(&p->mu);
	stats_add(p, h, &was);
	p->st.polls++;
	p->st.polls_failed += st != BMC_ON && st != BMC_OFF;
	p->st.poll_us += now - t0;
	if (h->tgen == tgen && !h->removed) {
		n = host_publish_poll(h, st, err, now / 1000u);
		wake = host_confirm_plan(p, h, st, was_confirm, now / 1000u);
		p->st.wakes += (uint64_t)wake;
	}
	if (n.kind == NEWS_NONE && !wake)
		return;
	/* log without the mutex: a stalled stderr must not block snapshots */
	pthread_mutex_unlock(&p->mu);
	if (wake)
		pool_wake(p);
	poll_log(&n, id, addr, err);
	pthread_mutex_lock(&p->mu);
}

/* Close one dropped host's session, if any.  1 if one was closed (the
 * mutex was released meanwhile).  Mutex held. */
static int
worker_close_dropped(struct bmc_pool *p)
{
	struct ipmi_conn	c;

	if (p->nclosing == 0)
		return 0;
	c = p->closing[--p->nclosing];
	p->st.sessions_open--;
	pthread_mutex_unlock(&p->mu);
	ipmi_conn_close(&c);
	pthread_mutex_lock(&p->mu);
	return 1;
}

/* One operation on h, picked and marked busy.  Mutex held (released
 * during I/O); h may be freed when this returns. */
static void
worker_run(struct bmc_pool *p, struct bmc_host *h, int is_fence, uint64_t now)
{
	struct ipmi_target	t = h->t;
	uint64_t		tgen = h->tgen;

	if (is_fence) {
		h->fence_queued = 0;
		worker_fence(p, h, &t, tgen, h->fence_timeout_ms);
	} else {
		/* fixed rate from the start of this poll */
		h->next_poll_ms = now + p->poll_interval_ms;
		worker_poll(p, h, &t, tgen);
	}
	ipmi_target_clear(&t);
	if (h->removed) {
		pthread_mutex_unlock(&p->mu);
		ipmi_conn_close(&h->conn);
		pthread_mutex_lock(&p->mu);
		p->st.sessions_open -= (uint64_t)h->sess_open;
		bmc_host_free(h);
		return;
	}
	h->busy = 0;
}

/* At stop: close the kept sessions of idle hosts, several workers at
 * once.  Mutex held. */
static void
worker_close_all(struct bmc_pool *p)
{
	struct bmc_host	*h;
	size_t		 i;

	for (;;) {
		if (worker_close_dropped(p))
			continue;
		for (i = 0, h = NULL; i < p->nhosts; i++)
			if (!p->hosts[i]->busy && p->hosts[i]->sess_open) {
				h = p->hosts[i];
				break;
			}
		if (h == NULL)
			return;
		h->busy = 1;
		pthread_mutex_unlock(&p->mu);
		ipmi_conn_close(&h->conn);
		pthread_mutex_lock(&p->mu);
		h->sess_open = 0;
		p->st.sessions_open--;
		h->busy = 0;
	}
}

void *
bmc_worker_main(void *arg)
{
	struct bmc_pool		*p = arg;
	struct bmc_host		*h;
	uint64_t		 now, wait_ms;
	int			 is_fence;

	pthread_mutex_lock(&p->mu);
	while (!atomic_load(&p->stop)) {
		if (worker_close_dropped(p))
			continue;
		now = clock_mono_ms();
		if ((h = pool_pick(p, now, &is_fence, &wait_ms)) == NULL) {
			pool_wait(p, wait_ms);
			continue;
		}
		h->busy = 1;
		worker_run(p, h, is_fence, now);
		/* a host just went idle: others may be waiting for it */
		pthread_cond_broadcast(&p->cv);
	}
	worker_close_all(p);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

