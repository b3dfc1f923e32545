/*
 * hb_local.c -- heartbeat backend: a local directory.
 *
 * For pools the management node mounts itself (and for tests): reads
 * <dir>/KVMHA/hb-<ip> with openat/fstat/pread, O_NONBLOCK|O_CLOEXEC (a
 * FIFO planted there cannot block the open), O_NOFOLLOW and S_ISREG on
 * the fstat (a symlink or anything but a regular file is GARBAGE, never
 * read through), same semantics as hb_nfs.c.
 *
 * A local directory can hang too: a hard NFS mount underneath blocks any
 * syscall forever, and no deadline can interrupt it.  So each call runs
 * the reads in a fresh detached worker thread that reports through an
 * eventfd, which heartbeat.c polls with every other pool.  If the worker
 * misses the deadline, the rows stay UNKNOWN "deadline" and the worker is
 * left behind: it owns its own copy of the inputs and results (refcounted
 * with the pool).  Until it returns the pool is busy: a later call starts
 * no second thread but waits (within its own deadline) for the stuck one;
 * if it returns in time, its stale results are dropped and a fresh read
 * starts; if not, the rows are UNKNOWN "busy" (pst->busy = 1).  Closing
 * the pool while a worker is stuck is safe: whichever of the two lets go
 * last frees the job.
 *
 * No content cache: local reads are cheap.  No clock reads in the worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "heartbeat.h"
#include "log.h"
#include "util.h"

struct local_job {
	pthread_mutex_t		 mu;
	int			 refs;	/* pool + worker */
	int			 done;	/* under mu */
	int			 efd;	/* written once when done */
	char			*dir;
	size_t			 nips;
	char			(*ips)[HB_IP_MAX + 1];
	struct hb_result	*res;
	uint64_t		 started;	/* clock_mono_ms() at start */
};

struct hb_local {
	struct local_job	*job;	/* the last worker; may still run */
	int			 waiting;	/* job: stuck one from before */
	int			 stuck_logged;
};

static void
local_job_put(struct local_job *j)
{
	int	last;

	pthread_mutex_lock(&j->mu);
	last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&j->mu);
	if (j->efd >= 0)
		close(j->efd);
	free(j->dir);
	free(j->ips);
	free(j->res);
	free(j);
}

static int
local_job_done(struct local_job *j)
{
	int	d;

	pthread_mutex_lock(&j->mu);
	d = j->done;
	pthread_mutex_unlock(&j->mu);
	return d;
}

static void
local_read_one(int kfd, const char *ip, struct hb_result *r)
{
	char		 name[sizeof("hb-") + HB_IP_MAX];
	char		 buf[HB_CONTENT_MAX + 1], why[HB_ERR_LEN];
	struct stat	 st;
	ssize_t		 n;
	size_t		 got = 0;
	uint64_t	 v;
	enum hb_status	 s;
	int		 fd;

	if (!hb_ip_valid(ip)) {
		hb_set(r, HB_UNKNOWN, "invalid host ip");
		return;
	}
	snprintf(name, sizeof(name), "hb-%s", ip);
	fd = openat(kfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
	    O_NOFOLLOW);
	if (fd == -1) {
		if (errno == ENOENT)
			hb_set(r, HB_MISSING, "no such file");
		else if (errno == ELOOP)	/* O_NOFOLLOW met a symlink */
			hb_set(r, HB_GARBAGE, "not a regular file (symlink)");
		else
			hb_set(r, HB_UNKNOWN, "open: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1) {
		hb_set(r, HB_UNKNOWN, "stat: %s", strerror(errno));
		goto out;
	}
	r->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 +
	    st.st_mtim.tv_nsec / 1000000;
	if (!S_ISREG(st.st_mode)) {
		hb_set(r, HB_GARBAGE, "not a regular file (%s)",
		    hb_file_kind(st.st_mode));
		goto out;
	}
	if (st.st_size > HB_CONTENT_MAX) {
		hb_set(r, HB_GARBAGE, "too long: %lld bytes",
		    (long long)st.st_size);
		goto out;
	}
	while (got < sizeof(buf)) {
		n = pread(fd, buf + got, sizeof(buf) - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			hb_set(r, HB_UNKNOWN, "read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	s = hb_parse(buf, got, &v, why);
	hb_set(r, s, s == HB_OK ? NULL : "%s", why);
	r->value = v;
out:
	close(fd);
}

static void *
local_worker(void *arg)
{
	struct local_job	*j = arg;
	uint64_t		 one = 1;
	size_t			 i;
	int			 dfd, kfd = -1, e = 0;

	dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		e = errno;
	else if ((kfd = openat(dfd, "KVMHA", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		e = errno;
	for (i = 0; i < j->nips; i++) {
		if (dfd == -1)
			hb_set(&j->res[i], HB_UNKNOWN, "pool directory: %s",
			    strerror(e));
		else if (kfd == -1 && e == ENOENT)
			hb_set(&j->res[i], HB_MISSING, "no KVMHA directory");
		else if (kfd == -1)
			hb_set(&j->res[i], HB_UNKNOWN, "KVMHA: %s",
			    strerror(e));
		else
			local_read_one(kfd, j->ips[i], &j->res[i]);
	}
	if (kfd != -1)
		close(kfd);
	if (dfd != -1)
		close(dfd);
	pthread_mutex_lock(&j->mu);
	j->done = 1;
	pthread_mutex_unlock(&j->mu);
	while (write(j->efd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
	local_job_put(j);
	return NULL;
}

static int
local_open(struct hb_pool *pool, char *err)
{
	(void)err;
	pool->be = xcalloc(1, sizeof(struct hb_local));
	return 0;
}

static void
local_close(struct hb_pool *pool)
{
	struct hb_local	*b = pool->be;

	if (b->job != NULL)
		local_job_put(b->job);	/* a stuck worker frees it later */
	free(b);
	pool->be = NULL;
}

static void
local_fail_all(struct hb_call *call, const char *why)
{
	size_t	i;

	snprintf(call->err, sizeof(call->err), "%s", why);
	for (i = 0; i < call->nips; i++)
		hb_set(&call->out[i], HB_UNKNOWN, "%s", why);
	call->done = 1;
}

/* Drop the previous worker (done) and start this call's. */
static void
local_launch(struct hb_pool *pool, struct hb_call *call, uint64_t now)
{
	struct hb_local		*b = pool->be;
	struct local_job	*j;
	pthread_attr_t		 attr;
	char			 why[HB_ERR_LEN], qp[HB_QUOTE_LEN];
	size_t			 i;
	int			 rc;

	if (b->job != NULL) {
		if (b->stuck_logged)
			log_info("hb.local.unstuck", "pool=%s",
			    log_quote(qp, sizeof(qp), pool->spec));
		b->stuck_logged = 0;
		local_job_put(b->job);
		b->job = NULL;
	}
	b->waiting = 0;
	j = xcalloc(1, sizeof(*j));
	pthread_mutex_init(&j->mu, NULL);
	j->refs = 1;
	j->dir = xstrdup(pool->spec);
	j->nips = call->nips;
	j->ips = xcalloc(call->nips, sizeof(*j->ips));
	j->res = xcalloc(call->nips, sizeof(*j->res));
	j->started = now;
	for (i = 0; i < call->nips; i++)	/* "" (invalid) if it won't fit */
		if (hb_ip_valid(call->ips[i]))
			snprintf(j->ips[i], sizeof(j->ips[i]), "%s",
			    call->ips[i]);
	if ((j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		snprintf(why, sizeof(why), "eventfd: %s", strerror(errno));
		local_job_put(j);
		local_fail_all(call, why);
		return;
	}
	j->refs = 2;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&(pthread_t){0}, &attr, local_worker, j);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		snprintf(why, sizeof(why), "thread: %s", strerror(rc));
		j->refs = 1;
		local_job_put(j);
		local_fail_all(call, why);
		return;
	}
	b->job = j;
}

static void
local_start(struct hb_pool *pool, struct hb_call *call, uint64_t now)
{
	struct hb_local	*b = pool->be;

	if (b->job != NULL && !local_job_done(b->job))
		b->waiting = 1;		/* no second thread: wait for it */
	else
		local_launch(pool, call, now);
}

static int
local_pollfd(struct hb_pool *pool, struct pollfd *pfd)
{
	struct hb_local	*b = pool->be;

	if (b->job == NULL)
		return 0;
	pfd->fd = b->job->efd;
	pfd->events = POLLIN;
	return 1;
}

static void
local_service(struct hb_pool *pool, int revents, uint64_t now)
{
	struct hb_local	*b = pool->be;
	struct hb_call	*call = pool->call;
	uint64_t	 v;
	size_t		 i;

	(void)revents;	/* the flag under the mutex is the truth */
	if (b->job == NULL || !local_job_done(b->job))
		return;
	if (b->waiting) {	/* the stuck one returned: read afresh */
		local_launch(pool, call, now);
		return;
	}
	while (read(b->job->efd, &v, sizeof(v)) == -1 && errno == EINTR)
		;
	for (i = 0; i < call->nips; i++)
		call->out[i] = b->job->res[i];
	call->done = 1;
}

static void
local_finish(struct hb_pool *pool, uint64_t now)
{
	struct hb_local	*b = pool->be;
	struct hb_call	*call = pool->call;
	char		 qp[HB_QUOTE_LEN], qr[HB_QUOTE_LEN];
	size_t		 i;

	if (call->done)
		return;
	if (b->waiting) {
		call->busy = 1;
		snprintf(call->err, sizeof(call->err), "busy: a read started "
		    "%llu ms ago is still stuck", (unsigned long long)(now -
		    b->job->started));
		for (i = 0; i < call->nips; i++)
			hb_set(&call->out[i], HB_UNKNOWN, "%s", call->err);
		return;
	}
	snprintf(call->err, sizeof(call->err), "deadline: directory read "
	    "still running; pool busy until it returns");
	if (!b->stuck_logged)
		log_warn("hb.local.stuck", "pool=%s reason=%s",
		    log_quote(qp, sizeof(qp), pool->spec),
		    log_quote(qr, sizeof(qr), call->err));
	b->stuck_logged = 1;
}

const struct hb_backend_ops hb_local_ops = {
	.kind = "local",
	.open = local_open,
	.close = local_close,
	.start = local_start,
	.pollfd = local_pollfd,
	.service = local_service,
	.finish = local_finish,
};
