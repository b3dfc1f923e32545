/*
 * heartbeat.c -- the pool-set reader: one call reads every heartbeat file
 * of every pool, concurrently, in one thread, by one deadline.
 *
 * Where it sits: the tick loop builds the pool list (from CloudStack's
 * storage_pool rows or the config), opens each pool once with
 * hb_pool_open(), and calls hb_read_all() every tick with the host IPs it
 * watches.  The results go into the observations the decision core reads.
 *
 * How: every row starts as HB_UNKNOWN "deadline".  Each pool's backend
 * (hb_nfs.c, hb_local.c) starts its reads, then one poll() loop waits on
 * every backend fd at once and lets each backend make progress, in slices
 * of at most HB_POLL_SLICE_MS, until all pools are done or the deadline
 * passes.  Then each backend's finish() leaves what is unfinished as
 * UNKNOWN and the per-pool status is summed from the rows.
 *
 * Invariants: hb_read_all() returns by its deadline (plus the cost of one
 * slice of bookkeeping); it never writes a row after returning; a row is
 * HB_OK only if a backend saw both a stat and a read succeed.
 * It does not: decide liveness, retry beyond the deadline, or log per row.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "heartbeat.h"
#include "util.h"

/* libnfs runs RPC timeouts only inside nfs_service(); its header asks for a
 * call about every 100 ms even when the socket is idle. */
#define HB_POLL_SLICE_MS	100

#define HB_RPC_TIMEOUT_DEFAULT	2000	/* ms; LAN replies take <1 ms, a hung
					 * filer frees its slots within 2 s */
#define HB_MOUNT_TIMEOUT_DEFAULT 5000	/* ms; > tcp-syncnt=1 connect (~3 s) */
#define HB_MAX_INFLIGHT_DEFAULT	256	/* RPCs per context: pipelined, but
					 * bounded (server and memory) */
#define HB_TCP_SYNCNT_DEFAULT	1	/* 1 SYN retry: connect fails in ~3 s,
					 * not 134 s (kernel default) */

void
hb_opts_default(struct hb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rpc_timeout_ms = HB_RPC_TIMEOUT_DEFAULT;
	o->mount_timeout_ms = HB_MOUNT_TIMEOUT_DEFAULT;
	o->max_inflight = HB_MAX_INFLIGHT_DEFAULT;
	o->tcp_syncnt = HB_TCP_SYNCNT_DEFAULT;
	o->always_read = 0;
}

struct hb_pool *
hb_pool_open(const char *spec, const struct hb_opts *opts, char *err)
{
	struct hb_pool	*p;
	const struct hb_backend_ops *ops;

	if (spec == NULL || spec[0] == '\0') {
		set_err(err, "heartbeat pool: empty spec");
		return NULL;
	}
	if (strncmp(spec, "nfs://", 6) == 0)
		ops = &hb_nfs_ops;
	else if (spec[0] == '/')
		ops = &hb_local_ops;
	else {
		set_err(err, "heartbeat pool %s: neither nfs://... nor an "
		    "absolute directory", spec);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->ops = ops;
	p->spec = xstrdup(spec);
	if (opts != NULL)
		p->opts = *opts;
	else
		hb_opts_default(&p->opts);
	if (p->opts.rpc_timeout_ms < 1000)	/* libnfs: whole seconds */
		p->opts.rpc_timeout_ms = 1000;
	if (p->opts.max_inflight == 0)
		p->opts.max_inflight = 1;
	if (p->opts.mount_timeout_ms == 0)
		p->opts.mount_timeout_ms = HB_MOUNT_TIMEOUT_DEFAULT;
	if (ops->open(p, err) == -1) {
		free(p->spec);
		free(p);
		return NULL;
	}
	return p;
}

void
hb_pool_close(struct hb_pool *p)
{
	if (p == NULL)
		return;
	p->ops->close(p);
	free(p->cache);
	free(p->spec);
	free(p);
}

const char *
hb_pool_spec(const struct hb_pool *p)
{
	return p->spec;
}

const char *
hb_pool_kind(const struct hb_pool *p)
{
	return p->ops->kind;
}

static void
hb_sum_status(const struct hb_call *c, uint64_t elapsed,
    struct hb_pool_status *st)
{
	const struct hb_result	*r;
	size_t			 i;

	memset(st, 0, sizeof(*st));
	st->busy = c->busy;
	st->elapsed_ms = elapsed;
	for (i = 0; i < c->nips; i++) {
		r = &c->out[i];
		switch (r->status) {
		case HB_OK:
			st->n_ok++;
			break;
		case HB_GARBAGE:
			st->n_garbage++;
			break;
		case HB_MISSING:
			st->n_missing++;
			break;
		case HB_UNKNOWN:
			if (st->n_unknown++ == 0 && c->err[0] == '\0')
				snprintf(st->err, sizeof(st->err), "%s",
				    r->err);
			break;
		}
	}
	st->readable = st->n_ok + st->n_garbage + st->n_missing > 0;
	if (c->err[0] != '\0')
		snprintf(st->err, sizeof(st->err), "%s", c->err);
}

/* One hb_read_all() call's working state. */
struct hb_run {
	struct hb_pool	**pools;
	size_t		  npools;
	struct hb_call	 *calls;
	struct pollfd	 *pfds;
	int		 *slot;		/* pool -> pfds index, or -1 */
	uint64_t	 *finished;	/* when each pool's call was done */
	uint64_t	  deadline;
};

static int
read_args_ok(struct hb_pool **pools, size_t npools, const char *const *ips,
    size_t nips, const struct hb_result *out)
{
	size_t	i;

	if ((npools > 0 && (pools == NULL || out == NULL)) ||
	    (nips > 0 && ips == NULL))
		return 0;
	for (i = 0; i < nips; i++)
		if (ips[i] == NULL)
			return 0;
	return 1;
}

/* claim every pool; a pool listed twice (or in use) is refused */
static int
claim_pools(struct hb_pool **pools, size_t npools, struct hb_call *calls)
{
	size_t	p;

	for (p = 0; p < npools; p++) {
		if (pools[p] == NULL || pools[p]->call != NULL) {
			while (p-- > 0)
				pools[p]->call = NULL;
			return -1;
		}
		pools[p]->call = &calls[p];
	}
	return 0;
}

/* pre-fill every row with UNKNOWN "deadline", then start each backend */
static void
start_calls(struct hb_run *r, const char *const *ips, size_t nips,
    struct hb_result *out, uint64_t now)
{
	struct hb_call	*c;
	size_t		 p, i;

	for (p = 0; p < r->npools; p++) {
		c = &r->calls[p];
		c->ips = ips;
		c->nips = nips;
		c->out = out + p * nips;
		c->deadline = r->deadline;
		for (i = 0; i < nips; i++) {
			memset(&c->out[i], 0, sizeof(out[0]));
			hb_set(&c->out[i], HB_UNKNOWN, "deadline");
		}
		if (nips > 0)
			r->pools[p]->ops->start(r->pools[p], c, now);
		else
			c->done = 1;
		if (c->done)
			r->finished[p] = now;
	}
}

/* poll() / service() until every call is done or the deadline passes */
static void
run_calls(struct hb_run *r)
{
	struct hb_pool	**pools = r->pools;
	uint64_t	  now;
	size_t		  p, i, n, pending;
	int		  timeout;

	for (;;) {
		now = clock_mono_ms();
		pending = n = 0;
		for (p = 0; p < r->npools; p++) {
			r->slot[p] = -1;
			if (r->calls[p].done)
				continue;
			pending++;
			if (pools[p]->ops->pollfd(pools[p], &r->pfds[n]) == 1) {
				r->pfds[n].revents = 0;
				r->slot[p] = (int)n++;
			}
		}
		if (pending == 0 || now >= r->deadline)
			break;
		timeout = r->deadline - now < HB_POLL_SLICE_MS ?
		    (int)(r->deadline - now) : HB_POLL_SLICE_MS;
		if (poll(r->pfds, n, timeout) == -1)
			for (i = 0; i < n; i++)	/* EINTR: service as idle */
				r->pfds[i].revents = 0;
		now = clock_mono_ms();
		for (p = 0; p < r->npools; p++) {
			if (r->calls[p].done)
				continue;
			pools[p]->ops->service(pools[p], r->slot[p] >= 0 ?
			    r->pfds[r->slot[p]].revents : 0, now);
			if (r->calls[p].done)
				r->finished[p] = now;
		}
	}
}

int
hb_read_all(struct hb_pool **pools, size_t npools, const char *const *ips,
    size_t nips, uint64_t deadline_ms_from_now, struct hb_result *out,
    struct hb_pool_status *pst)
{
	struct hb_run	r;
	uint64_t	start, now;
	size_t		p;

	if (!read_args_ok(pools, npools, ips, nips, out)) {
		errno = EINVAL;
		return -1;
	}
	if (npools == 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.pools = pools;
	r.npools = npools;
	r.calls = xcalloc(npools, sizeof(*r.calls));
	if (claim_pools(pools, npools, r.calls) == -1) {
		free(r.calls);
		errno = EINVAL;
		return -1;
	}
	r.pfds = xcalloc(npools, sizeof(*r.pfds));
	r.slot = xcalloc(npools, sizeof(*r.slot));
	r.finished = xcalloc(npools, sizeof(*r.finished));
	start = clock_mono_ms();
	r.deadline = deadline_ms_from_now > UINT64_MAX - start ? UINT64_MAX :
	    start + deadline_ms_from_now;
	start_calls(&r, ips, nips, out, start);
	run_calls(&r);
	now = clock_mono_ms();
	for (p = 0; p < npools; p++) {
		if (nips > 0)
			pools[p]->ops->finish(pools[p], now);
		pools[p]->call = NULL;
		if (pst != NULL)
			hb_sum_status(&r.calls[p], (r.finished[p] ?
			    r.finished[p] : now) - start, &pst[p]);
	}
	free(r.finished);
	free(r.slot);
	free(r.pfds);
	free(r.calls);
	return 0;
}
