/*
 * corroborate.c -- the libvirt probe and the BMC identity check, each in
 * a detached thread (see corroborate.h).
 *
 * Where it sits: observe.c starts jobs and copies results into struct
 * host_obs (probe, probe_seq, probe_power_seq, identity); the core's
 * guard_bmc.c decides what they mean.  A table of hosts under one mutex;
 * a job holds a reference to the table, so corroborate_free() never waits
 * for a job: the last one out frees it.  A probe opens a fresh libvirt
 * connection (an old one could outlive the host's power by the keepalive
 * time) and is bounded by its timeout through virt_open(); the identity
 * check is bounded by the IPMI session timeouts and the libvirt timeout.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "corroborate.h"
#include "log.h"
#include "util.h"
#include "virt.h"

struct corr_host {
	uint32_t	 id;
	int		 probing, checking;
	uint64_t	 gen;		/* bumps on forget: stale results drop */
	struct corr_view v;
};

struct corroborate {
	pthread_mutex_t	 mu;
	int		 refs;		/* the owner + running jobs */
	struct corr_host *h;		/* sorted by id */
	size_t		 n, cap;
	int		 wake_fd;	/* eventfd: a probe finished */
};

enum corr_kind { CJ_PROBE, CJ_IDENTITY };

struct corr_job {
	struct corroborate	*c;
	enum corr_kind		 kind;
	uint32_t		 host;
	uint64_t		 gen, power_seq, timeout_ms;
	char			 uri[VIRT_URI_LEN];
	struct ipmi_target	 t;
};

struct corroborate *
corroborate_new(void)
{
	struct corroborate	*c = xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	c->refs = 1;
	/* -1 (no wake-ups, the tick still sees results) if it fails */
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return c;
}

/* Drop one reference (mutex held on entry, released here). */
static void
unref_unlock(struct corroborate *c)
{
	int	last = --c->refs == 0;

	pthread_mutex_unlock(&c->mu);
	if (!last)
		return;
	pthread_mutex_destroy(&c->mu);
	if (c->wake_fd != -1)
		close(c->wake_fd);
	free(c->h);
	free(c);
}

void
corroborate_free(struct corroborate *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	unref_unlock(c);
}

/* Find or add host (mutex held). */
static struct corr_host *
host_of(struct corroborate *c, uint32_t id)
{
	size_t	lo = 0, hi = c->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->h[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n && c->h[lo].id == id)
		return &c->h[lo];
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		if ((c->h = realloc(c->h, c->cap * sizeof(*c->h))) == NULL)
			abort();
	}
	memmove(&c->h[lo + 1], &c->h[lo], (c->n - lo) * sizeof(*c->h));
	memset(&c->h[lo], 0, sizeof(c->h[lo]));
	c->h[lo].id = id;
	c->h[lo].v.probe = PROBE_NONE;
	c->n++;
	return &c->h[lo];
}

static void
job_probe(struct corr_job *j)
{
	struct virt_conn	*vc = virt_conn_new(j->host, j->uri);
	enum virt_rc		 rc;
	char			 err[ERR_LEN] = "";
	struct corr_host	*h;
	uint64_t		 one = 1;
	int			 news;

	rc = virt_open(vc, j->timeout_ms, err);
	virt_conn_free(vc);
	log_info("bmc.probe", "host=%u uri=%s result=%s%s%s", j->host, j->uri,
	    rc == VIRT_OK ? "answered" : "silent", rc == VIRT_OK ? "" :
	    " why=", rc == VIRT_OK ? "" : virt_rc_name(rc));
	pthread_mutex_lock(&j->c->mu);
	h = host_of(j->c, j->host);
	h->probing = 0;
	/* wake the round only for news (a new result, or one for a newer
	 * BMC reading): the tick re-probes while the BMC reads off, and a
	 * repeated answer must not spin the rounds */
	news = h->v.probe != (rc == VIRT_OK ? PROBE_ANSWERED : PROBE_SILENT) ||
	    h->v.probe_power_seq != j->power_seq;
	h->v.probe = rc == VIRT_OK ? PROBE_ANSWERED : PROBE_SILENT;
	h->v.probe_seq++;
	h->v.probe_power_seq = j->power_seq;
	h->v.probe_done_ms = clock_mono_ms();
	pthread_mutex_unlock(&j->c->mu);
	/* the job's reference keeps the fd open; EAGAIN: readable anyway */
	if (news && j->c->wake_fd != -1 && write(j->c->wake_fd, &one,
	    sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("bmc.probe", "host=%u wake error=\"%s\"", j->host,
		    strerror(errno));
}

static void
job_identity(struct corr_job *j)
{
	struct virt_conn	*vc;
	struct corr_host	*h;
	uint8_t			 guid[16];
	char			 uuid[VIRT_UUID_LEN] = "", g[37] = "";
	char			 err[ERR_LEN] = "";
	int			 m = -1;

	if (ipmi_system_guid(&j->t, guid, err) == 0) {
		ipmi_guid_format(guid, g);
		vc = virt_conn_new(j->host, j->uri);
		if (virt_host_uuid(vc, j->timeout_ms, uuid, err) == VIRT_OK)
			m = ipmi_guid_matches(guid, uuid);
		virt_conn_free(vc);
	}
	if (m == 0)
		log_err("bmc.identity", "host=%u result=mismatch bmc_guid=%s "
		    "host_uuid=%s: the BMC configured for this host belongs "
		    "to another machine; fencing it is disabled", j->host, g,
		    uuid);
	else if (m == 1)
		log_info("bmc.identity", "host=%u result=match uuid=%s",
		    j->host, uuid);
	else
		log_debug("bmc.identity", "host=%u result=unknown error=\"%s\"",
		    j->host, err);
	pthread_mutex_lock(&j->c->mu);
	h = host_of(j->c, j->host);
	h->checking = 0;
	if (h->gen == j->gen && m >= 0) {
		h->v.identity = m ? BMC_ID_MATCH : BMC_ID_MISMATCH;
		snprintf(h->v.bmc_guid, sizeof(h->v.bmc_guid), "%s", g);
		snprintf(h->v.host_uuid, sizeof(h->v.host_uuid), "%s", uuid);
	}
	pthread_mutex_unlock(&j->c->mu);
}

static void *
job_main(void *arg)
{
	struct corr_job	*j = arg;

	if (j->kind == CJ_PROBE)
		job_probe(j);
	else
		job_identity(j);
	ipmi_target_clear(&j->t);
	pthread_mutex_lock(&j->c->mu);
	unref_unlock(j->c);
	free(j);
	return NULL;
}

/* Start j in a detached thread (mutex held); 0, or -1 (j freed). */
static int
job_start(struct corroborate *c, struct corr_job *j)
{
	pthread_attr_t	attr;
	pthread_t	th;
	int		r;

	j->c = c;
	c->refs++;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&th, &attr, job_main, j);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		c->refs--;
		log_err("bmc.corroborate", "host=%u error=\"cannot start a "
		    "thread\"", j->host);
		ipmi_target_clear(&j->t);
		free(j);
		return -1;
	}
	return 0;
}

void
corroborate_probe(struct corroborate *c, uint32_t host, const char *uri,
    uint64_t power_seq, uint64_t timeout_ms)
{
	struct corr_host	*h;
	struct corr_job		*j;

	pthread_mutex_lock(&c->mu);
	h = host_of(c, host);
	if (!h->probing) {
		j = xcalloc(1, sizeof(*j));
		j->kind = CJ_PROBE;
		j->host = host;
		j->power_seq = power_seq;
		j->timeout_ms = timeout_ms;
		snprintf(j->uri, sizeof(j->uri), "%s", uri);
		h->probing = job_start(c, j) == 0;
	}
	pthread_mutex_unlock(&c->mu);
}

void
corroborate_identity(struct corroborate *c, uint32_t host, const char *uri,
    const struct ipmi_target *t, uint64_t timeout_ms)
{
	struct corr_host	*h;
	struct corr_job		*j;

	pthread_mutex_lock(&c->mu);
	h = host_of(c, host);
	if (!h->checking) {
		j = xcalloc(1, sizeof(*j));
		j->kind = CJ_IDENTITY;
		j->host = host;
		j->gen = h->gen;
		j->timeout_ms = timeout_ms;
		j->t = *t;
		snprintf(j->uri, sizeof(j->uri), "%s", uri);
		h->v.identity_ms = clock_mono_ms();
		h->checking = job_start(c, j) == 0;
	}
	pthread_mutex_unlock(&c->mu);
}

void
corroborate_forget(struct corroborate *c, uint32_t host)
{
	struct corr_host	*h;

	pthread_mutex_lock(&c->mu);
	h = host_of(c, host);
	h->gen++;
	h->v.identity = BMC_ID_UNKNOWN;
	h->v.identity_ms = 0;
	pthread_mutex_unlock(&c->mu);
}

void
corroborate_view(struct corroborate *c, uint32_t host, struct corr_view *out)
{
	pthread_mutex_lock(&c->mu);
	*out = host_of(c, host)->v;
	pthread_mutex_unlock(&c->mu);
}

int
corroborate_wake_fd(const struct corroborate *c)
{
	return c->wake_fd;
}
