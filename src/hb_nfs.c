/*
 * hb_nfs.c -- heartbeat backend: libnfs, asynchronous, pipelined.
 *
 * One libnfs context per pool, mounted asynchronously and kept across
 * calls.  For each host a job walks stat -> (open -> pread -> close), all
 * with the *_async API, driven by heartbeat.c's poll() loop, with up to
 * opts.max_inflight RPCs in flight per context.  Content is read only when
 * the stat key (inode, size, mtime, ctime) differs from the one cached for
 * that IP in the pool (struct hb_pool.cache), or with opts.always_read; a
 * cached result is reused only behind a stat that succeeded in this call.
 * The cache survives a new context: the key holds the inode and ctime,
 * which nobody can set back, so an equal key means the same content.
 *
 * NFSv4 (URL has version=4): libnfs 4.0 keeps one open-owner seqid per
 * context and does not serialize OPEN/CLOSE, so two in flight at once get
 * NFS4ERR_BAD_SEQID.  Here at most one OPEN or CLOSE is in flight per v4
 * context (stats and reads stay pipelined).  A BAD_SEQID anyway makes the
 * next call start on a fresh context.
 *
 * Lifetimes.  A call ends at its deadline with RPCs possibly in flight;
 * they complete, or hit the libnfs RPC timeout, in a later call.  Each RPC
 * carries a heap request tagged with the generation it was issued in;
 * `gen` changes at every call start and end and at every context teardown,
 * so a late answer never touches a row (it only closes a file handle it
 * still holds).  nfs_destroy_context() calls back every pending request.
 *
 * Failures (deps.md 1.6).  nfs_service() < 0 or a failed mount destroys
 * the context (a dead server's context never recovers).  If that context
 * had been mounted (say the server restarted between ticks), one fresh
 * context is tried within the same call; otherwise the rows are UNKNOWN and
 * the next call starts over.  An RPC timeout (hung server) keeps the
 * context: it works again once the server answers.  A mount still
 * unfinished after opts.mount_timeout_ms is abandoned.
 *
 * libnfs 4.0 sends with MSG_NOSIGNAL, so a dead peer raises no SIGPIPE.
 *
 * Known leak: libnfs 4.0 does not track file handles, so one still open
 * when its context is destroyed (server died between OPEN and CLOSE) is
 * lost; bounded by the reads in flight at that moment.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>		/* struct timeval: before libnfs.h */
#include <nfsc/libnfs.h>

#include "heartbeat.h"
#include "log.h"
#include "util.h"

#define HB_NFS_PATH_LEN	(sizeof("/KVMHA/hb-") + HB_IP_MAX)

enum nfs_cstate { NS_IDLE, NS_MOUNTING, NS_MOUNTED };
enum nfs_jstate { J_WAIT, J_STAT_Q, J_STAT, J_OPEN_Q, J_OPEN, J_READ, J_DONE };

struct nfs_job {
	enum nfs_jstate		state;
	uint32_t		cache;	/* slot in pool->cache */
	struct hb_statkey	key;	/* from this call's stat */
};

struct nfs_req {
	struct hb_nfs	*b;
	struct nfs_req	*next;		/* on b->closeq */
	uint64_t	 gen;
	uint32_t	 idx;
	int		 counted;	/* close counted in b->cur_closes */
	struct nfsfh	*fh;
};

struct nfs_mreq {		/* the one mount in flight of a context */
	struct hb_nfs	*b;
};

struct nfs_ring {		/* FIFO of job indexes, capacity nips */
	uint32_t	*v;
	size_t		 head, len;
};

struct hb_nfs {
	struct hb_pool		*pool;
	struct nfs_context	*nfs;
	enum nfs_cstate		 state;
	struct nfs_mreq		*mreq;		/* mount in flight, or NULL */
	uint64_t		 gen;		/* see header comment */
	uint64_t		 mount_started;
	int			 v4, seq_busy;	/* OPEN/CLOSE in flight (v4) */
	int			 mounted_once;	/* this context mounted */
	int			 fresh;		/* context created this call */
	int			 broken, destroying, down_logged, reset;
	char			 broken_err[HB_ERR_LEN];
	uint32_t		 inflight;	/* RPCs in flight, any gen */
	uint32_t		 cur_closes;	/* this gen's closes not done */
	size_t			 undecided;
	struct hb_call		*call;
	struct nfs_job		*jobs;
	size_t			 cap;		/* of jobs, statq, openq */
	struct nfs_ring		 statq, openq;
	struct nfs_req		*closeq;	/* handles waiting to close */
};

static int
nfs_open_check(struct hb_pool *pool, char *err)
{
	struct nfs_context	*nfs;
	struct nfs_url		*url;
	struct hb_nfs		*b;
	const char		*q;
	int			 rc = -1;

	if ((nfs = nfs_init_context()) == NULL) {
		set_err(err, "heartbeat pool %s: nfs_init_context failed",
		    pool->spec);
		return -1;
	}
	url = nfs_parse_url_dir(nfs, pool->spec);
	if (url == NULL)
		set_err(err, "heartbeat pool %s: bad NFS URL: %s", pool->spec,
		    nfs_get_error(nfs));
	else if (url->server == NULL || url->server[0] == '\0' ||
	    url->path == NULL || url->path[0] == '\0')
		set_err(err, "heartbeat pool %s: NFS URL needs a server and "
		    "an export path", pool->spec);
	else
		rc = 0;
	nfs_destroy_url(url);
	nfs_destroy_context(nfs);
	if (rc == 0) {
		b = xcalloc(1, sizeof(*b));
		b->pool = pool;
		q = strchr(pool->spec, '?');
		b->v4 = q != NULL && strstr(q, "version=4") != NULL;
		pool->be = b;
	}
	return rc;
}

/* ---- jobs and rows ---- */

static int
nfs_req_current(const struct nfs_req *r)
{
	return r->gen == r->b->gen && r->b->call != NULL;
}

static void
nfs_push(struct hb_nfs *b, struct nfs_ring *q, uint32_t idx,
    enum nfs_jstate st)
{
	b->jobs[idx].state = st;
	q->v[(q->head + q->len++) % b->cap] = idx;
}

static uint32_t
nfs_pop(struct hb_nfs *b, struct nfs_ring *q)
{
	uint32_t	idx = q->v[q->head];

	q->head = (q->head + 1) % b->cap;
	q->len--;
	return idx;
}

static struct hb_result *
nfs_decide(struct hb_nfs *b, uint32_t idx)
{
	b->jobs[idx].state = J_DONE;
	b->undecided--;
	return &b->call->out[idx];
}

static void
nfs_fail_undecided(struct hb_nfs *b, const char *why)
{
	size_t	i;

	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state != J_DONE)
			hb_set(nfs_decide(b, (uint32_t)i), HB_UNKNOWN, "%s",
			    why);
	b->statq.len = b->openq.len = 0;
}

static void
nfs_seq_error(struct hb_nfs *b, const char *msg)
{
	if (b->v4 && msg != NULL && strstr(msg, "SEQID") != NULL)
		b->reset = 1;	/* owner seqid out of step: fresh context */
}

static void
nfs_close_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfs_req	*r = priv;
	struct hb_nfs	*b = r->b;

	(void)nfs;
	if (b->v4)
		b->seq_busy = 0;
	if (err < 0)
		nfs_seq_error(b, data);
	b->inflight--;
	if (r->counted && r->gen == b->gen)
		b->cur_closes--;
	free(r);
}

/* Queue r->fh for closing; r keeps its in-flight slot until closed. */
static void
nfs_close_fh(struct hb_nfs *b, struct nfs_req *r)
{
	if (b->destroying || b->nfs == NULL) {	/* see "Known leak" */
		b->inflight--;
		free(r);
		return;
	}
	r->counted = nfs_req_current(r);
	if (r->counted)
		b->cur_closes++;
	r->next = b->closeq;
	b->closeq = r;
}

static void
nfs_read_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfs_req		*r = priv;
	struct hb_nfs		*b = r->b;
	struct hb_cache_ent	*c;
	struct hb_result	*row;
	uint64_t		 v;
	char			 why[HB_ERR_LEN];
	enum hb_status		 st;

	(void)nfs;
	if (nfs_req_current(r)) {
		row = nfs_decide(b, r->idx);
		if (err < 0)
			hb_set(row, HB_UNKNOWN, "read: %s", (const char *)data);
		else {
			st = hb_parse(data, (size_t)err, &v, why);
			hb_set(row, st, st == HB_OK ? NULL : "%s", why);
			row->value = v;
			c = &b->pool->cache[b->jobs[r->idx].cache];
			c->valid = 1;
			c->key = b->jobs[r->idx].key;
			c->status = st;
			c->value = v;
			memcpy(c->err, row->err, sizeof(c->err));
		}
	}
	nfs_close_fh(b, r);
}

static void
nfs_open_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfs_req		*r = priv;
	struct hb_nfs		*b = r->b;
	struct hb_result	*row;

	if (b->v4)
		b->seq_busy = 0;
	if (err < 0) {
		b->inflight--;
		nfs_seq_error(b, data);
		if (nfs_req_current(r)) {
			row = nfs_decide(b, r->idx);
			if (err == -ENOENT)	/* removed since the stat */
				hb_set(row, HB_MISSING, "no such file");
			else
				hb_set(row, HB_UNKNOWN, "open: %s",
				    (const char *)data);
		}
		free(r);
		return;
	}
	r->fh = data;
	if (!nfs_req_current(r)) {
		nfs_close_fh(b, r);
		return;
	}
	b->jobs[r->idx].state = J_READ;
	/* HB_CONTENT_MAX + 1 bytes: enough to see "too long" */
	if (nfs_pread_async(nfs, r->fh, 0, HB_CONTENT_MAX + 1, nfs_read_cb,
	    r) != 0) {
		hb_set(nfs_decide(b, r->idx), HB_UNKNOWN,
		    "read: cannot queue: %s", nfs_get_error(nfs));
		nfs_close_fh(b, r);
	}
}

static void
nfs_stat_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfs_req			*r = priv;
	struct hb_nfs			*b = r->b;
	const struct nfs_stat_64	*st = data;
	struct nfs_job			*j;
	struct hb_cache_ent		*c;
	struct hb_result		*row;

	(void)nfs;
	b->inflight--;
	if (!nfs_req_current(r)) {
		free(r);
		return;
	}
	j = &b->jobs[r->idx];
	row = &b->call->out[r->idx];
	free(r);
	if (err < 0) {
		row = nfs_decide(b, (uint32_t)(j - b->jobs));
		if (err == -ENOENT)
			hb_set(row, HB_MISSING, "no such file");
		else
			hb_set(row, HB_UNKNOWN, "stat: %s", (const char *)data);
		return;
	}
	row->mtime_ms = (int64_t)(st->nfs_mtime * 1000 +
	    st->nfs_mtime_nsec / 1000000);
	j->key = (struct hb_statkey){ st->nfs_ino, st->nfs_size,
	    st->nfs_mtime, st->nfs_mtime_nsec, st->nfs_ctime,
	    st->nfs_ctime_nsec };
	c = &b->pool->cache[j->cache];
	if (!S_ISREG(st->nfs_mode))
		hb_set(nfs_decide(b, (uint32_t)(j - b->jobs)), HB_GARBAGE,
		    "not a regular file");
	else if (st->nfs_size > HB_CONTENT_MAX)
		hb_set(nfs_decide(b, (uint32_t)(j - b->jobs)), HB_GARBAGE,
		    "too long: %llu bytes", (unsigned long long)st->nfs_size);
	else if (c->valid && !b->pool->opts.always_read &&
	    memcmp(&c->key, &j->key, sizeof(j->key)) == 0) {
		row = nfs_decide(b, (uint32_t)(j - b->jobs));	/* unchanged */
		hb_set(row, c->status, c->status == HB_OK ? NULL : "%s",
		    c->err);
		row->value = c->value;
	} else
		nfs_push(b, &b->openq, (uint32_t)(j - b->jobs), J_OPEN_Q);
}

static void
nfs_issue(struct hb_nfs *b, uint32_t idx, int open)
{
	struct nfs_req	*r;
	char		 path[HB_NFS_PATH_LEN];
	int		 rc;

	r = xcalloc(1, sizeof(*r));
	r->b = b;
	r->gen = b->gen;
	r->idx = idx;
	snprintf(path, sizeof(path), "/KVMHA/hb-%s", b->call->ips[idx]);
	b->jobs[idx].state = open ? J_OPEN : J_STAT;
	b->inflight++;
	if (open && b->v4)
		b->seq_busy = 1;
	rc = open ? nfs_open_async(b->nfs, path, O_RDONLY, nfs_open_cb, r) :
	    nfs_stat64_async(b->nfs, path, nfs_stat_cb, r);
	if (rc != 0) {
		if (open && b->v4)
			b->seq_busy = 0;
		b->inflight--;
		free(r);
		hb_set(nfs_decide(b, idx), HB_UNKNOWN, "%s: cannot queue: %s",
		    open ? "open" : "stat", nfs_get_error(b->nfs));
	}
}

/* Issue what may go now: closes first (they free server state), then
 * opens, then stats; v4 keeps one OPEN/CLOSE in flight at most. */
static void
nfs_pump(struct hb_nfs *b)
{
	struct nfs_req	*r;
	uint32_t	 max = b->pool->opts.max_inflight;

	if (b->state != NS_MOUNTED || b->broken)
		return;
	while (b->closeq != NULL && !(b->v4 && b->seq_busy)) {
		r = b->closeq;
		b->closeq = r->next;
		if (b->v4)
			b->seq_busy = 1;
		/* v3 closes locally and may call back before returning */
		if (nfs_close_async(b->nfs, r->fh, nfs_close_cb, r) != 0) {
			if (b->v4)
				b->seq_busy = 0;
			if (r->counted && r->gen == b->gen)
				b->cur_closes--;
			b->inflight--;
			free(r);
		}
	}
	if (b->call == NULL)
		return;
	while (b->openq.len > 0 && b->inflight < max &&
	    !(b->v4 && b->seq_busy))
		nfs_issue(b, nfs_pop(b, &b->openq), 1);
	while (b->statq.len > 0 && b->inflight < max)
		nfs_issue(b, nfs_pop(b, &b->statq), 0);
}

static void
nfs_enqueue_waiting(struct hb_nfs *b)
{
	size_t	i;

	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state == J_WAIT)
			nfs_push(b, &b->statq, (uint32_t)i, J_STAT_Q);
}

/* ---- context life ---- */

static void
nfs_mount_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct nfs_mreq	*m = priv;
	struct hb_nfs	*b = m->b;
	char		 qp[HB_QUOTE_LEN];

	if (m == b->mreq && !b->destroying) {
		if (err < 0) {
			b->broken = 1;
			snprintf(b->broken_err, sizeof(b->broken_err),
			    "mount: %s", data != NULL ? (const char *)data :
			    nfs_get_error(nfs) != NULL ? nfs_get_error(nfs) :
			    strerror(-err));
		} else {
			b->state = NS_MOUNTED;
			b->mounted_once = 1;
			if (b->down_logged)
				log_info("hb.nfs.up", "pool=%s", log_quote(qp,
				    sizeof(qp), b->pool->spec));
			b->down_logged = 0;
			if (b->call != NULL)
				nfs_enqueue_waiting(b);
		}
	}
	if (m == b->mreq)
		b->mreq = NULL;
	free(m);
}

static void
nfs_ctx_destroy(struct hb_nfs *b)
{
	struct nfs_req	*r;
	size_t		 i;

	if (b->nfs == NULL)
		return;
	b->gen++;		/* every answer from here on is stale */
	b->destroying = 1;
	nfs_destroy_context(b->nfs);	/* cancels and calls back all */
	b->destroying = 0;
	b->nfs = NULL;
	free(b->mreq);		/* a connect in progress never calls back */
	b->mreq = NULL;
	while ((r = b->closeq) != NULL) {	/* see "Known leak" */
		b->closeq = r->next;
		free(r);
	}
	b->state = NS_IDLE;
	b->inflight = b->cur_closes = 0;
	b->seq_busy = b->mounted_once = b->reset = 0;
	if (b->call != NULL) {
		b->statq.len = b->openq.len = 0;
		for (i = 0; i < b->call->nips; i++)
			if (b->jobs[i].state != J_DONE)
				b->jobs[i].state = J_WAIT;
	}
}

static int
nfs_ctx_create(struct hb_nfs *b, uint64_t now, char *why)
{
	const struct hb_opts	*o = &b->pool->opts;
	struct nfs_url		*url;
	int			 rc;

	if ((b->nfs = nfs_init_context()) == NULL) {
		snprintf(why, HB_ERR_LEN, "nfs_init_context failed");
		return -1;
	}
	if (o->tcp_syncnt > 0)		/* before the URL: tcp-syncnt= wins */
		nfs_set_tcp_syncnt(b->nfs, o->tcp_syncnt);
	if ((url = nfs_parse_url_dir(b->nfs, b->pool->spec)) == NULL) {
		snprintf(why, HB_ERR_LEN, "url: %s", nfs_get_error(b->nfs));
		nfs_destroy_context(b->nfs);
		b->nfs = NULL;
		return -1;
	}
	/* after the URL: these must hold whatever the URL says */
	nfs_set_timeout(b->nfs, (int)((o->rpc_timeout_ms + 999) / 1000 * 1000));
	nfs_set_autoreconnect(b->nfs, 0);
	nfs_set_dircache(b->nfs, 0);
	b->gen++;
	b->mreq = xcalloc(1, sizeof(*b->mreq));
	b->mreq->b = b;
	rc = nfs_mount_async(b->nfs, url->server, url->path, nfs_mount_cb,
	    b->mreq);
	nfs_destroy_url(url);
	if (rc != 0) {
		snprintf(why, HB_ERR_LEN, "mount: cannot start: %s",
		    nfs_get_error(b->nfs));
		free(b->mreq);
		b->mreq = NULL;
		nfs_destroy_context(b->nfs);
		b->nfs = NULL;
		return -1;
	}
	b->state = NS_MOUNTING;
	b->mount_started = now;
	b->fresh = 1;
	b->broken = 0;
	return 0;
}

/* The context failed: drop it, maybe retry once, else fail the rows. */
static void
nfs_handle_broken(struct hb_nfs *b, uint64_t now)
{
	char	why[HB_ERR_LEN], qp[HB_QUOTE_LEN], qr[HB_QUOTE_LEN];
	int	retry;
	size_t	i;

	retry = b->mounted_once && !b->fresh && b->call != NULL;
	if (!b->down_logged)
		log_warn("hb.nfs.down", "pool=%s reason=%s next=%s",
		    log_quote(qp, sizeof(qp), b->pool->spec),
		    log_quote(qr, sizeof(qr), b->broken_err),
		    retry ? "fresh-context" : "next-call");
	b->down_logged = 1;
	nfs_ctx_destroy(b);
	b->broken = 0;
	if (b->call == NULL)
		return;
	if (retry) {
		/* rows that failed with the old context get another go */
		for (i = 0; i < b->call->nips; i++)
			if (b->jobs[i].state == J_DONE &&
			    b->call->out[i].status == HB_UNKNOWN &&
			    hb_ip_valid(b->call->ips[i])) {
				b->jobs[i].state = J_WAIT;
				b->undecided++;
			}
		if (nfs_ctx_create(b, now, why) == 0)
			return;
		snprintf(b->broken_err, sizeof(b->broken_err), "%s", why);
	}
	snprintf(b->call->err, sizeof(b->call->err), "%s", b->broken_err);
	nfs_fail_undecided(b, b->broken_err);
}

/* ---- backend ops ---- */

static void
nfs_update_done(struct hb_nfs *b)
{
	if (b->call != NULL && b->undecided == 0 && b->cur_closes == 0)
		b->call->done = 1;
}

static void
nfs_start(struct hb_pool *pool, struct hb_call *call, uint64_t now)
{
	struct hb_nfs	*b = pool->be;
	char		 why[HB_ERR_LEN];
	size_t		 i;

	if (b->reset)
		nfs_ctx_destroy(b);
	b->call = call;
	b->gen++;
	b->cur_closes = 0;
	b->fresh = 0;
	b->undecided = 0;
	if (b->cap < call->nips) {
		free(b->jobs);
		free(b->statq.v);
		free(b->openq.v);
		b->cap = call->nips;
		b->jobs = xcalloc(b->cap, sizeof(*b->jobs));
		b->statq.v = xcalloc(b->cap, sizeof(uint32_t));
		b->openq.v = xcalloc(b->cap, sizeof(uint32_t));
	}
	b->statq.head = b->statq.len = b->openq.head = b->openq.len = 0;
	hb_cache_reserve(pool, call->nips);	/* slots stay put below */
	for (i = 0; i < call->nips; i++) {
		if (!hb_ip_valid(call->ips[i])) {
			b->jobs[i].state = J_DONE;
			hb_set(&call->out[i], HB_UNKNOWN, "invalid host ip");
			continue;
		}
		b->jobs[i].state = J_WAIT;
		b->jobs[i].cache = hb_cache_get(pool, call->ips[i]);
		b->undecided++;
	}
	if (b->undecided > 0) {
		if (b->state == NS_IDLE && nfs_ctx_create(b, now, why) == -1) {
			snprintf(call->err, sizeof(call->err), "%s", why);
			nfs_fail_undecided(b, why);
		} else if (b->state == NS_MOUNTED)
			nfs_enqueue_waiting(b);
		nfs_pump(b);
	}
	nfs_update_done(b);
}

static int
nfs_pollfd(struct hb_pool *pool, struct pollfd *pfd)
{
	struct hb_nfs	*b = pool->be;

	if (b->nfs == NULL || (pfd->fd = nfs_get_fd(b->nfs)) < 0)
		return 0;
	pfd->events = (short)nfs_which_events(b->nfs);
	return 1;
}

static void
nfs_service_be(struct hb_pool *pool, int revents, uint64_t now)
{
	struct hb_nfs	*b = pool->be;

	if (b->nfs != NULL && nfs_service(b->nfs, revents) < 0 && !b->broken) {
		b->broken = 1;
		/* nfs_get_error() may still hold an older, unrelated text */
		snprintf(b->broken_err, sizeof(b->broken_err),
		    "connection lost (nfs_service failed)");
	}
	if (!b->broken && b->state == NS_MOUNTING &&
	    now - b->mount_started >= pool->opts.mount_timeout_ms) {
		b->broken = 1;
		snprintf(b->broken_err, sizeof(b->broken_err),
		    "mount: no answer in %u ms", pool->opts.mount_timeout_ms);
	}
	if (b->broken)
		nfs_handle_broken(b, now);
	nfs_pump(b);
	nfs_update_done(b);
}

static void
nfs_finish(struct hb_pool *pool, uint64_t now)
{
	struct hb_nfs	*b = pool->be;
	const char	*why;
	size_t		 i;

	(void)now;
	why = b->state == NS_MOUNTING ? "deadline: mount in progress" :
	    "deadline: no answer";
	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state != J_DONE)
			hb_set(&b->call->out[i], HB_UNKNOWN, "%s", why);
	if (b->undecided > 0 && b->call->err[0] == '\0')
		snprintf(b->call->err, sizeof(b->call->err),
		    "%s (%zu of %zu reads unfinished)", why, b->undecided,
		    b->call->nips);
	b->call = NULL;
	b->gen++;
	b->cur_closes = 0;
}

static void
nfs_close_be(struct hb_pool *pool)
{
	struct hb_nfs	*b = pool->be;

	if (b == NULL)
		return;
	nfs_ctx_destroy(b);
	free(b->jobs);
	free(b->statq.v);
	free(b->openq.v);
	free(b);
	pool->be = NULL;
}

const struct hb_backend_ops hb_nfs_ops = {
	.kind = "nfs",
	.open = nfs_open_check,
	.close = nfs_close_be,
	.start = nfs_start,
	.pollfd = nfs_pollfd,
	.service = nfs_service_be,
	.finish = nfs_finish,
};
