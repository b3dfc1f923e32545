/*
 * hb_nfs_job.c -- the libnfs heartbeat backend's per-host jobs: each walks
 * stat -> (open -> pread -> close) with the *_async API, through two
 * queues (stats, opens) and a list of handles to close, issued by
 * hbn_pump() within opts.max_inflight and the NFSv4 one-OPEN/CLOSE rule.
 * The callbacks decide the rows, and drop answers of an older generation
 * (hb_nfs.c's header comment: "Lifetimes").  hb_nfs.c owns the context.
 *
 * A heartbeat file must be a regular file: the stat is an lstat (LOOKUP
 * without following a symlink, then the type from the attributes, NF3REG
 * / NF4REG), and the open is O_NOFOLLOW, so a symlink planted there, or
 * swapped in between the two, is GARBAGE and never read through.
 *
 * From opts.dirscan_min hosts on, a call lists KVMHA/ once instead of the
 * per-file stats (hbn_dirscan): the entries' attributes are the stat keys,
 * a host with no entry is MISSING, and only files whose key moved are
 * opened and read.  NFSv3 only by default (READDIRPLUS: 5 x 2,000 files
 * in 81 ms p50 against 1.4 s per file); libnfs 4.0's v4 listing costs
 * more than the per-file COMPOUNDs (868 against 510 ms), so v4 lists only
 * with opts.dirscan_v4 (bench/hb_zone.sh, bench/results/).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hb_nfs.h"
#include "log.h"
#include "util.h"

static int
hbn_req_current(const struct hbn_req *r)
{
	return r->gen == r->b->gen && r->b->call != NULL;
}

static void
hbn_push(struct hb_nfs *b, struct hbn_ring *q, uint32_t idx,
    enum hbn_jstate st)
{
	b->jobs[idx].state = st;
	q->v[(q->head + q->len++) % b->cap] = idx;
}

static uint32_t
hbn_pop(struct hb_nfs *b, struct hbn_ring *q)
{
	uint32_t	idx = q->v[q->head];

	q->head = (q->head + 1) % b->cap;
	q->len--;
	return idx;
}

static struct hb_result *
hbn_decide(struct hb_nfs *b, uint32_t idx)
{
	b->jobs[idx].state = J_DONE;
	b->undecided--;
	return &b->call->out[idx];
}

void
hbn_fail_undecided(struct hb_nfs *b, const char *why)
{
	size_t	i;

	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state != J_DONE)
			hb_set(hbn_decide(b, (uint32_t)i), HB_UNKNOWN, "%s",
			    why);
	b->statq.len = b->openq.len = 0;
}

/* Count this call's answers: a success or ENOENT/ELOOP is an answer; any
 * other error but a timeout is "hard" (hb_nfs.c: "Never heals"). */
void
hbn_note(struct hb_nfs *b, int err, const char *what, const void *msg)
{
	if (err >= 0 || err == -ENOENT || err == -ELOOP)
		b->n_answers++;
	else if (err != -EINTR && err != -ETIMEDOUT &&
	    (msg == NULL || strstr(msg, "timed out") == NULL) &&
	    b->n_hard++ == 0)
		snprintf(b->hard_err, sizeof(b->hard_err), "%s: %s", what,
		    msg != NULL ? (const char *)msg : strerror(-err));
}

static void
hbn_seq_error(struct hb_nfs *b, const char *msg)
{
	if (b->v4 && msg != NULL && strstr(msg, "SEQID") != NULL)
		b->reset = 1;	/* owner seqid out of step: fresh context */
}

static void
hbn_close_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req	*r = priv;
	struct hb_nfs	*b = r->b;

	(void)nfs;
	if (b->v4)
		b->seq_busy = 0;
	if (err < 0)
		hbn_seq_error(b, data);
	b->inflight--;
	if (r->counted && r->gen == b->gen)
		b->cur_closes--;
	free(r);
}

/* Queue r->fh for closing; r keeps its in-flight slot until closed. */
static void
hbn_close_fh(struct hb_nfs *b, struct hbn_req *r)
{
	if (b->destroying || b->nfs == NULL) {	/* see "Known leak" */
		b->inflight--;
		free(r);
		return;
	}
	r->counted = hbn_req_current(r);
	if (r->counted)
		b->cur_closes++;
	r->next = b->closeq;
	b->closeq = r;
}

static void
hbn_read_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req		*r = priv;
	struct hb_nfs		*b = r->b;
	struct hb_cache_ent	*c;
	struct hb_result	*row;
	uint64_t		 v;
	char			 why[HB_ERR_LEN];
	enum hb_status		 st;

	(void)nfs;
	if (hbn_req_current(r)) {
		hbn_note(b, err, "read", data);
		row = hbn_decide(b, r->idx);
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
	hbn_close_fh(b, r);
}

static void
hbn_open_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req		*r = priv;
	struct hb_nfs		*b = r->b;
	struct hb_result	*row;

	if (b->v4)
		b->seq_busy = 0;
	if (err < 0) {
		b->inflight--;
		hbn_seq_error(b, data);
		if (hbn_req_current(r)) {
			hbn_note(b, err, "open", data);
			row = hbn_decide(b, r->idx);
			if (err == -ENOENT)	/* removed since the stat */
				hb_set(row, HB_MISSING, "no such file");
			else if (err == -ELOOP)	/* O_NOFOLLOW: swapped in */
				hb_set(row, HB_GARBAGE,
				    "not a regular file (symlink)");
			else
				hb_set(row, HB_UNKNOWN, "open: %s",
				    (const char *)data);
		}
		free(r);
		return;
	}
	r->fh = data;
	if (hbn_req_current(r))
		hbn_note(b, err, "open", NULL);
	if (!hbn_req_current(r)) {
		hbn_close_fh(b, r);
		return;
	}
	b->jobs[r->idx].state = J_READ;
	/* HB_CONTENT_MAX + 1 bytes: enough to see "too long" */
	if (nfs_pread_async(nfs, r->fh, 0, HB_CONTENT_MAX + 1, hbn_read_cb,
	    r) != 0) {
		hb_set(hbn_decide(b, r->idx), HB_UNKNOWN,
		    "read: cannot queue: %s", nfs_get_error(nfs));
		hbn_close_fh(b, r);
	}
}

/* This call's attributes of job idx are in its key (and the row's mtime):
 * decide the row, reuse the cached content, or queue the open. */
static void
hbn_judge(struct hb_nfs *b, uint32_t idx, unsigned mode)
{
	struct hbn_job		*j = &b->jobs[idx];
	struct hb_cache_ent	*c = &b->pool->cache[j->cache];
	struct hb_result	*row;

	if (!S_ISREG(mode))	/* lstat: a symlink is not followed */
		hb_set(hbn_decide(b, idx), HB_GARBAGE,
		    "not a regular file (%s)", hb_file_kind(mode));
	else if (j->key.size > HB_CONTENT_MAX)
		hb_set(hbn_decide(b, idx), HB_GARBAGE,
		    "too long: %llu bytes", (unsigned long long)j->key.size);
	else if (c->valid && !b->pool->opts.always_read &&
	    memcmp(&c->key, &j->key, sizeof(j->key)) == 0) {
		row = hbn_decide(b, idx);	/* unchanged */
		hb_set(row, c->status, c->status == HB_OK ? NULL : "%s",
		    c->err);
		row->value = c->value;
	} else
		hbn_push(b, &b->openq, idx, J_OPEN_Q);
}

static void
hbn_stat_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req			*r = priv;
	struct hb_nfs			*b = r->b;
	const struct nfs_stat_64	*st = data;
	struct hbn_job			*j;
	struct hb_result		*row;

	(void)nfs;
	b->inflight--;
	if (!hbn_req_current(r)) {
		free(r);
		return;
	}
	j = &b->jobs[r->idx];
	row = &b->call->out[r->idx];
	free(r);
	hbn_note(b, err, "stat", data);
	if (err < 0) {
		row = hbn_decide(b, (uint32_t)(j - b->jobs));
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
	hbn_judge(b, (uint32_t)(j - b->jobs), (unsigned)st->nfs_mode);
}
static void
hbn_issue(struct hb_nfs *b, uint32_t idx, int open)
{
	struct hbn_req	*r;
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
	rc = open ? nfs_open_async(b->nfs, path, O_RDONLY | O_NOFOLLOW,
	    hbn_open_cb, r) : nfs_lstat64_async(b->nfs, path, hbn_stat_cb, r);
	if (rc != 0) {
		if (open && b->v4)
			b->seq_busy = 0;
		b->inflight--;
		free(r);
		hb_set(hbn_decide(b, idx), HB_UNKNOWN, "%s: cannot queue: %s",
		    open ? "open" : "stat", nfs_get_error(b->nfs));
	}
}

/* Issue what may go now: closes first (they free server state), then
 * opens, then stats; v4 keeps one OPEN/CLOSE in flight at most. */
void
hbn_pump(struct hb_nfs *b)
{
	struct hbn_req	*r;
	uint32_t	 max = b->pool->opts.max_inflight;

	if (b->state != NS_MOUNTED || b->broken)
		return;
	while (b->closeq != NULL && !(b->v4 && b->seq_busy)) {
		r = b->closeq;
		b->closeq = r->next;
		if (b->v4)
			b->seq_busy = 1;
		/* v3 closes locally and may call back before returning */
		if (nfs_close_async(b->nfs, r->fh, hbn_close_cb, r) != 0) {
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
		hbn_issue(b, hbn_pop(b, &b->openq), 1);
	while (b->statq.len > 0 && b->inflight < max)
		hbn_issue(b, hbn_pop(b, &b->statq), 0);
}

/* The export root, once per call: gone (nlink 0) or failing means the
 * mounted handle is stale, whatever the files' lookups said. */
static void
hbn_root_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req			*r = priv;
	struct hb_nfs			*b = r->b;
	const struct nfs_stat_64	*st = data;

	(void)nfs;
	b->inflight--;
	if (hbn_req_current(r)) {
		b->root_pending = 0;
		if (err >= 0 && st->nfs_nlink == 0) {
			b->root_gone = 1;
			if (b->n_hard++ == 0)
				snprintf(b->hard_err, sizeof(b->hard_err),
				    "export root removed (nlink 0)");
		} else if (err < 0) {
			hbn_note(b, err, "export root", data);
			b->root_gone = b->n_hard > 0;
		}
	}
	free(r);
}

static void
hbn_root_check(struct hb_nfs *b)
{
	struct hbn_req	*r;

	if (b->root_asked)
		return;
	b->root_asked = 1;
	r = xcalloc(1, sizeof(*r));
	r->b = b;
	r->gen = b->gen;
	b->inflight++;
	b->root_pending = 1;
	if (nfs_stat64_async(b->nfs, "/", hbn_root_cb, r) != 0) {
		b->inflight--;
		b->root_pending = 0;
		free(r);
	}
}

/* One entry of the KVMHA listing: its job, if some host of the call has
 * that name, gets this call's attributes from it. */
static void
hbn_dir_entry(struct hb_nfs *b, const struct nfsdirent *e)
{
	struct hb_result	*row;
	uint32_t		 slot, idx;

	if (strncmp(e->name, "hb-", 3) != 0 ||
	    (slot = hb_cache_find(b->pool, e->name + 3)) == UINT32_MAX ||
	    (idx = b->slot_job[slot]) == UINT32_MAX ||
	    b->jobs[idx].state != J_STAT)
		return;
	row = &b->call->out[idx];
	row->mtime_ms = (int64_t)e->mtime.tv_sec * 1000 +
	    e->mtime_nsec / 1000000;
	b->jobs[idx].key = (struct hb_statkey){ e->inode, e->size,
	    (uint64_t)e->mtime.tv_sec, e->mtime_nsec,
	    (uint64_t)e->ctime.tv_sec, e->ctime_nsec };
	hbn_judge(b, idx, e->mode);
}

static void
hbn_dir_cb(int err, struct nfs_context *nfs, void *data, void *priv)
{
	struct hbn_req		*r = priv;
	struct hb_nfs		*b = r->b;
	struct nfsdirent	*e;
	size_t			 i;

	b->inflight--;
	if (!hbn_req_current(r)) {
		if (err >= 0)
			nfs_closedir(nfs, data);
		free(r);
		return;
	}
	free(r);
	hbn_note(b, err, "readdir", data);
	for (i = 0; err < 0 && i < b->call->nips; i++)
		if (b->jobs[i].state == J_STAT)
			hb_set(hbn_decide(b, (uint32_t)i), err == -ENOENT ?
			    HB_MISSING : HB_UNKNOWN, "readdir KVMHA: %s",
			    (const char *)data);
	if (err < 0)
		return;
	while ((e = nfs_readdir(nfs, data)) != NULL)
		hbn_dir_entry(b, e);
	nfs_closedir(nfs, data);
	for (i = 0; i < b->call->nips; i++)	/* not listed: no file */
		if (b->jobs[i].state == J_STAT)
			hb_set(hbn_decide(b, (uint32_t)i), HB_MISSING,
			    "no such file");
}

/* Many hosts: list KVMHA/ once (READDIRPLUS / READDIR with attributes)
 * instead of one LOOKUP+GETATTR per file.  Every entry's attributes are
 * this call's, compared for equality only (no clock is trusted). */
static int
hbn_dirscan(struct hb_nfs *b)
{
	struct hbn_req	*r;
	size_t		 i;

	free(b->slot_job);
	b->slot_job = xcalloc(b->pool->cache_cap, sizeof(*b->slot_job));
	memset(b->slot_job, 0xff, b->pool->cache_cap * sizeof(*b->slot_job));
	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state == J_WAIT) {
			b->slot_job[b->jobs[i].cache] = (uint32_t)i;
			b->jobs[i].state = J_STAT;
		}
	r = xcalloc(1, sizeof(*r));
	r->b = b;
	r->gen = b->gen;
	b->inflight++;
	if (nfs_opendir_async(b->nfs, "/KVMHA", hbn_dir_cb, r) == 0)
		return 0;
	b->inflight--;
	free(r);
	for (i = 0; i < b->call->nips; i++)	/* per file, as usual */
		if (b->jobs[i].state == J_STAT)
			b->jobs[i].state = J_WAIT;
	return -1;
}

void
hbn_enqueue_waiting(struct hb_nfs *b)
{
	size_t	i;

	hbn_root_check(b);
	if (b->pool->opts.dirscan_min > 0 && (!b->v4 ||
	    b->pool->opts.dirscan_v4) &&
	    b->undecided >= b->pool->opts.dirscan_min && hbn_dirscan(b) == 0)
		return;
	for (i = 0; i < b->call->nips; i++)
		if (b->jobs[i].state == J_WAIT)
			hbn_push(b, &b->statq, (uint32_t)i, J_STAT_Q);
}
