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
 * Versions.  version=3 or version=4 in the URL is used as given; v3 asks
 * the portmapper unless the URL gives nfsport= and mountport=.  A URL with
 * no version (a CloudStack pool row says none) works against v3 and v4
 * servers, as the agent's kernel mount does: v4 first, and a mount that
 * the server refuses (an answer, not a timeout) switches to the other
 * version, at once within the call, and for every context after that.
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
 * Never heals (issue 11).  After a filer failover the context's root
 * handle can be stale for good: the connection is fine, every call gets
 * NFS4ERR_STALE / NFS3ERR_STALE.  So after a call in which some call
 * failed with an error other than a timeout and none was answered, the
 * next call starts on a fresh context (a new mount looks the export up
 * again).  A timeout never does that: a hung server keeps its context.
 * Each call also stats the export root once: a root that fails, or is a
 * removed directory (nlink 0; a v3 server may answer lookups in it with
 * NOENT), makes that call's MISSING rows UNKNOWN and the context fresh.
 *
 * NFSv4 client identity.  libnfs names every context "Libnfs pid:P T"
 * (T in whole seconds), so two contexts one process creates within a
 * second are one client to the server, and the second SETCLIENTID
 * cancels the first (NFS4ERR_STALE_CLIENTID, then NFS4ERR_EXPIRED for
 * good).  Each pool here is its own client, "hawatch HOST pid:P pool:N",
 * with a fresh random verifier per context: a rebuilt context is that
 * client rebooted, and the server drops the old one's state at once.
 * libnfs 4.0 leaks its default name when it is replaced (about 30 bytes
 * per context made; tests/valgrind.supp).
 *
 * Files: this one holds the context's life and the backend ops;
 * hb_nfs_job.c the per-host jobs; hb_nfs.h what they share.  Names carry
 * hbn_ (libnfs owns the nfs_ prefix).
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
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "hb_nfs.h"
#include "log.h"
#include "util.h"

static unsigned	hbn_client_seq;		/* pools opened by this process */

static int
hbn_open_check(struct hb_pool *pool, char *err)
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
		b->vauto = q == NULL || strstr(q, "version=") == NULL;
		b->v4 = b->vauto || strstr(q, "version=4") != NULL;
		b->client_seq = __atomic_add_fetch(&hbn_client_seq, 1,
		    __ATOMIC_RELAXED);
		pool->be = b;
	}
	return rc;
}

/* ---- context life ---- */

/* A client name of this pool's own and a new verifier (header comment). */
static void
hbn_set_identity(struct hb_nfs *b)
{
	char		host[64] = "?", name[128];
	uint64_t	v;
	char		verf[8];
	size_t		i;

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(name, sizeof(name), "hawatch %s pid:%ld pool:%u", host,
	    (long)getpid(), b->client_seq);
	nfs4_set_client_name(b->nfs, name);
	if (getrandom(verf, sizeof(verf), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(verf)) {
		v = clock_mono_ms() * 1000003u ^ ((uint64_t)getpid() << 32) ^
		    ++b->verf_seq;
		for (i = 0; i < sizeof(verf); i++, v >>= 8)
			verf[i] = (char)(v & 0xff);
	}
	nfs4_set_verifier(b->nfs, verf);
}

static void
hbn_mount_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_mreq	*m = priv;
	struct hb_nfs	*b = m->b;
	char		 qp[HB_QUOTE_LEN];

	if (m == b->mreq && !b->destroying) {
		if (err < 0) {
			b->broken = 1;
			if (b->vauto) {	/* the other version next (header) */
				b->v4 = !b->v4;
				b->vflip = 1;
			}
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
				hbn_enqueue_waiting(b);
		}
	}
	if (m == b->mreq)
		b->mreq = NULL;
	free(m);
}

static void
hbn_ctx_destroy(struct hb_nfs *b)
{
	struct hbn_req	*r;
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
	b->root_asked = b->root_pending = 0;
	if (b->call != NULL) {
		b->statq.len = b->openq.len = 0;
		for (i = 0; i < b->call->nips; i++)
			if (b->jobs[i].state != J_DONE)
				b->jobs[i].state = J_WAIT;
	}
}

static int
hbn_ctx_create(struct hb_nfs *b, uint64_t now, char *why)
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
	if (b->vauto)
		nfs_set_version(b->nfs, b->v4 ? 4 : 3);	/* NFS_V4, NFS_V3 */
	/* after the URL: these must hold whatever the URL says */
	nfs_set_timeout(b->nfs, (int)((o->rpc_timeout_ms + 999) / 1000 * 1000));
	nfs_set_autoreconnect(b->nfs, 0);
	nfs_set_dircache(b->nfs, 0);
	hbn_set_identity(b);
	b->gen++;
	b->mreq = xcalloc(1, sizeof(*b->mreq));
	b->mreq->b = b;
	rc = nfs_mount_async(b->nfs, url->server, url->path, hbn_mount_cb,
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
hbn_handle_broken(struct hb_nfs *b, uint64_t now)
{
	char	why[HB_ERR_LEN], qp[HB_QUOTE_LEN], qr[HB_QUOTE_LEN];
	int	retry;
	size_t	i;

	retry = b->call != NULL && ((b->mounted_once && !b->fresh) ||
	    (b->vflip && !b->vflip_tried));
	if (b->vflip)
		b->vflip_tried = 1;
	b->vflip = 0;
	if (!b->down_logged)
		log_warn("hb.nfs.down", "pool=%s reason=%s next=%s",
		    log_quote(qp, sizeof(qp), b->pool->spec),
		    log_quote(qr, sizeof(qr), b->broken_err),
		    retry ? "fresh-context" : "next-call");
	b->down_logged = 1;
	hbn_ctx_destroy(b);
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
		if (hbn_ctx_create(b, now, why) == 0)
			return;
		snprintf(b->broken_err, sizeof(b->broken_err), "%s", why);
	}
	snprintf(b->call->err, sizeof(b->call->err), "%s", b->broken_err);
	hbn_fail_undecided(b, b->broken_err);
}

/* ---- backend ops ---- */

static void
hbn_update_done(struct hb_nfs *b)
{
	if (b->call != NULL && b->undecided == 0 && b->cur_closes == 0 &&
	    !b->root_pending)
		b->call->done = 1;
}

static void
hbn_start(struct hb_pool *pool, struct hb_call *call, uint64_t now)
{
	struct hb_nfs	*b = pool->be;
	char		 why[HB_ERR_LEN];
	size_t		 i;

	if (b->reset)
		hbn_ctx_destroy(b);
	b->call = call;
	b->gen++;
	b->cur_closes = 0;
	b->n_answers = b->n_hard = 0;
	b->vflip_tried = 0;
	b->root_asked = b->root_pending = b->root_gone = 0;
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
		if (b->state == NS_IDLE && hbn_ctx_create(b, now, why) == -1) {
			snprintf(call->err, sizeof(call->err), "%s", why);
			hbn_fail_undecided(b, why);
		} else if (b->state == NS_MOUNTED)
			hbn_enqueue_waiting(b);
		hbn_pump(b);
	}
	hbn_update_done(b);
}

static int
hbn_pollfd(struct hb_pool *pool, struct pollfd *pfd)
{
	struct hb_nfs	*b = pool->be;

	if (b->nfs == NULL || (pfd->fd = nfs_get_fd(b->nfs)) < 0)
		return 0;
	pfd->events = (short)nfs_which_events(b->nfs);
	return 1;
}

static void
hbn_service_be(struct hb_pool *pool, int revents, uint64_t now)
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
		hbn_handle_broken(b, now);
	hbn_pump(b);
	hbn_update_done(b);
}

/* Every call failed, none by a timeout: rebuild (header: "Never heals") */
static void
hbn_check_heal(struct hb_nfs *b)
{
	char	qp[HB_QUOTE_LEN], qr[HB_QUOTE_LEN];

	size_t	i;

	if (b->state != NS_MOUNTED || b->reset ||
	    !(b->root_gone || (b->n_hard > 0 && b->n_answers == 0)))
		return;
	for (i = 0; b->root_gone && i < b->call->nips; i++)
		if (b->call->out[i].status == HB_MISSING)	/* not to trust */
			hb_set(&b->call->out[i], HB_UNKNOWN, "%s",
			    b->hard_err);
	log_warn("hb.nfs.rebuild", "pool=%s reason=%s failed=%u",
	    log_quote(qp, sizeof(qp), b->pool->spec),
	    log_quote(qr, sizeof(qr), b->hard_err), b->n_hard);
	b->reset = 1;
}

static void
hbn_finish(struct hb_pool *pool, uint64_t now)
{
	struct hb_nfs	*b = pool->be;
	const char	*why;
	size_t		 i;

	(void)now;
	hbn_check_heal(b);
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
hbn_close_be(struct hb_pool *pool)
{
	struct hb_nfs	*b = pool->be;

	if (b == NULL)
		return;
	hbn_ctx_destroy(b);
	free(b->jobs);
	free(b->statq.v);
	free(b->openq.v);
	free(b->slot_job);
	free(b);
	pool->be = NULL;
}

const struct hb_backend_ops hb_nfs_ops = {
	.kind = "nfs",
	.open = hbn_open_check,
	.close = hbn_close_be,
	.start = hbn_start,
	.pollfd = hbn_pollfd,
	.service = hbn_service_be,
	.finish = hbn_finish,
};
