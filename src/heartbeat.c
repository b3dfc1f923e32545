/*
 * heartbeat.c -- the pool-set reader: one call reads every heartbeat file
 * of every pool, concurrently, in one thread, by one deadline.
 *
 * Where it sits: the tick loop builds the pool list (from CloudStack's
 * storage_pool rows or the config), opens each pool once with
 * hb_pool_open(), and calls hb_read_all() every tick with the host IPs it
 * watches, or hb_read_hosts() with, per pool, the hosts attached to it
 * (storage_pool_host_ref), so a pool is never asked for files that only
 * other pools hold.  The results go into the observations the decision
 * core reads.
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
#include <sys/stat.h>

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
#define HB_DIRSCAN_MIN_DEFAULT	256	/* hosts: from here one listing of
					 * KVMHA/ (tens of RPCs) beats a
					 * LOOKUP+GETATTR per file */
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
	o->dirscan_min = HB_DIRSCAN_MIN_DEFAULT;
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

/* 0 if the arguments make sense (hb_read_hosts' contract), else -1 */
static int
hb_args_valid(struct hb_pool **pools, size_t npools, const char *const *ips,
    size_t nips, const struct hb_pool_hosts *sel, const struct hb_result *out)
{
	size_t	i, p;

	if ((npools > 0 && (pools == NULL || out == NULL)) ||
	    (nips > 0 && ips == NULL))
		return -1;
	for (i = 0; i < nips; i++)
		if (ips[i] == NULL)
			return -1;
	for (p = 0; sel != NULL && p < npools; p++) {
		if (sel[p].n > 0 && sel[p].idx == NULL)
			return -1;
		for (i = 0; i < sel[p].n; i++)
			if (sel[p].idx[i] >= nips)
				return -1;
	}
	return 0;
}

/* Claim every pool for this call; a pool listed twice (or in use) is
 * refused and nothing stays claimed. */
static int
hb_claim(struct hb_pool **pools, size_t npools, struct hb_call *calls)
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

/* Each pool's call: its IPs (a selection gets its own pointer array, in
 * sub[p]), its rows in out, every row UNKNOWN "deadline" until read. */
static void
hb_calls_setup(size_t npools, const char *const *ips, size_t nips,
    const struct hb_pool_hosts *sel, struct hb_result *out,
    struct hb_call *calls, const char ***sub, uint64_t deadline)
{
	size_t	p, i, off = 0;

	for (p = 0; p < npools; p++) {
		calls[p].deadline = deadline;
		calls[p].out = out + off;
		if (sel == NULL) {
			calls[p].ips = ips;
			calls[p].nips = nips;
		} else {
			sub[p] = xcalloc(sel[p].n ? sel[p].n : 1,
			    sizeof(*sub[p]));
			for (i = 0; i < sel[p].n; i++)
				sub[p][i] = ips[sel[p].idx[i]];
			calls[p].ips = sub[p];
			calls[p].nips = sel[p].n;
		}
		off += calls[p].nips;
		for (i = 0; i < calls[p].nips; i++) {
			memset(&calls[p].out[i], 0, sizeof(out[0]));
			hb_set(&calls[p].out[i], HB_UNKNOWN, "deadline");
		}
	}
}

/* poll() every pool's fd and let each backend progress, until all are
 * done or the deadline passes; finished[p] = when pool p was done. */
static void
hb_poll_loop(struct hb_pool **pools, size_t npools, struct hb_call *calls,
    uint64_t deadline, uint64_t *finished)
{
	struct pollfd	*pfds = xcalloc(npools, sizeof(*pfds));
	int		*slot = xcalloc(npools, sizeof(*slot));
	uint64_t	 now;
	size_t		 p, i, n, pending;
	int		 timeout;

	for (;;) {
		now = clock_mono_ms();
		pending = n = 0;
		for (p = 0; p < npools; p++) {
			slot[p] = -1;
			if (calls[p].done)
				continue;
			pending++;
			if (pools[p]->ops->pollfd(pools[p], &pfds[n]) == 1) {
				pfds[n].revents = 0;
				slot[p] = (int)n++;
			}
		}
		if (pending == 0 || now >= deadline)
			break;
		timeout = deadline - now < HB_POLL_SLICE_MS ?
		    (int)(deadline - now) : HB_POLL_SLICE_MS;
		if (poll(pfds, n, timeout) == -1)
			for (i = 0; i < n; i++)	/* EINTR: service as idle */
				pfds[i].revents = 0;
		now = clock_mono_ms();
		for (p = 0; p < npools; p++) {
			if (calls[p].done)
				continue;
			pools[p]->ops->service(pools[p],
			    slot[p] >= 0 ? pfds[slot[p]].revents : 0, now);
			if (calls[p].done)
				finished[p] = now;
		}
	}
	free(slot);
	free(pfds);
}

int
hb_read_hosts(struct hb_pool **pools, size_t npools, const char *const *ips,
    size_t nips, const struct hb_pool_hosts *sel,
    uint64_t deadline_ms_from_now, struct hb_result *out,
    struct hb_pool_status *pst)
{
	struct hb_call	*calls;
	const char	***sub;
	uint64_t	*finished, start, deadline, now;
	size_t		 p;

	if (hb_args_valid(pools, npools, ips, nips, sel, out) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (npools == 0)
		return 0;
	calls = xcalloc(npools, sizeof(*calls));
	if (hb_claim(pools, npools, calls) == -1) {
		free(calls);
		errno = EINVAL;
		return -1;
	}
	sub = xcalloc(npools, sizeof(*sub));
	finished = xcalloc(npools, sizeof(*finished));
	start = now = clock_mono_ms();
	deadline = deadline_ms_from_now > UINT64_MAX - start ? UINT64_MAX :
	    start + deadline_ms_from_now;
	hb_calls_setup(npools, ips, nips, sel, out, calls, sub, deadline);
	for (p = 0; p < npools; p++) {
		if (calls[p].nips > 0)
			pools[p]->ops->start(pools[p], &calls[p], now);
		else
			calls[p].done = 1;
		if (calls[p].done)
			finished[p] = now;
	}
	hb_poll_loop(pools, npools, calls, deadline, finished);
	now = clock_mono_ms();
	for (p = 0; p < npools; p++) {
		if (calls[p].nips > 0)
			pools[p]->ops->finish(pools[p], now);
		pools[p]->call = NULL;
		if (pst != NULL)
			hb_sum_status(&calls[p],
			    (finished[p] ? finished[p] : now) - start, &pst[p]);
		free(sub[p]);
	}
	free(finished);
	free(sub);
	free(calls);
	return 0;
}

int
hb_read_all(struct hb_pool **pools, size_t npools, const char *const *ips,
    size_t nips, uint64_t deadline_ms_from_now, struct hb_result *out,
    struct hb_pool_status *pst)
{
	return hb_read_hosts(pools, npools, ips, nips, NULL,
	    deadline_ms_from_now, out, pst);
}
