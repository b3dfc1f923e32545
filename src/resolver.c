/*
 * resolver.c -- host names resolved off the tick thread (see resolver.h):
 * a cache of name -> address under one mutex, and one thread that runs
 * getaddrinfo() for the names that are new, due for refresh, or due for
 * a retry.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"
#include "resolver.h"
#include "util.h"

/* A resolved address is re-resolved after this long: a moved NFS server
 * or database is followed within a minute, and a steady name costs one
 * lookup a minute. */
#define RESOLVE_TTL_MS		60000
/* A failed lookup is tried again after this long (a few ticks). */
#define RESOLVE_RETRY_MS	2000
/* Distinct names: the pools' servers and the database, with room. */
#define RESOLVE_MAX_NAMES	256
#define RESOLVE_NAME_LEN	256
#define RESOLVE_ADDR_LEN	INET6_ADDRSTRLEN

struct rv_entry {
	char		name[RESOLVE_NAME_LEN];
	char		addr[RESOLVE_ADDR_LEN];	/* "" never resolved */
	char		err[ERR_LEN];		/* last failure; "" none */
	uint64_t	due_ms;			/* look up at or after this */
};

struct resolver {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 th;
	struct rv_entry	 e[RESOLVE_MAX_NAMES];
	size_t		 n;
	int		 busy;		/* a lookup runs (unlocked) */
	int		 stop;		/* resolver_stop(): idle -> exit */
	int		 orphan;	/* stopped while busy: thread frees */
};

int
resolver_is_literal(const char *name)
{
	unsigned char	buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, name, buf) == 1 ||
	    inet_pton(AF_INET6, name, buf) == 1;
}

/* getaddrinfo(name): 0 and addr, or -1 and err */
static int
rv_resolve(const char *name, char *addr, char *err)
{
	struct addrinfo	 hints, *res = NULL;
	int		 rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		set_err(err, "host name %s does not resolve: %s", name,
		    gai_strerror(rc));
		return -1;
	}
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, addr,
	    RESOLVE_ADDR_LEN, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (rc != 0) {
		set_err(err, "host name %s: %s", name, gai_strerror(rc));
		return -1;
	}
	return 0;
}

/* the entry due first, or NULL; *wait_ms until it is due */
static struct rv_entry *
rv_next(struct resolver *r, uint64_t now, uint64_t *wait_ms)
{
	struct rv_entry	*best = NULL;
	size_t		 i;

	for (i = 0; i < r->n; i++)
		if (best == NULL || r->e[i].due_ms < best->due_ms)
			best = &r->e[i];
	if (best != NULL && best->due_ms > now) {
		*wait_ms = best->due_ms - now;
		return NULL;
	}
	*wait_ms = RESOLVE_TTL_MS;
	return best;
}

static void
rv_wait(struct resolver *r, uint64_t ms)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);	/* the condvar's clock */
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	(void)pthread_cond_timedwait(&r->cv, &r->mu, &ts);
}

/* one lookup, unlocked; the result stored under the lock */
static void
rv_lookup_one(struct resolver *r, struct rv_entry *e)
{
	char	name[RESOLVE_NAME_LEN], addr[RESOLVE_ADDR_LEN];
	char	err[ERR_LEN] = "";
	int	rc;

	snprintf(name, sizeof(name), "%s", e->name);
	r->busy = 1;
	pthread_mutex_unlock(&r->mu);
	rc = rv_resolve(name, addr, err);
	pthread_mutex_lock(&r->mu);
	r->busy = 0;
	if (r->orphan)
		return;
	if (rc == 0) {
		if (strcmp(e->addr, addr) != 0)
			log_info("resolve.ok", "name=%s addr=%s", name, addr);
		snprintf(e->addr, sizeof(e->addr), "%s", addr);
		e->err[0] = '\0';
		e->due_ms = clock_mono_ms() + RESOLVE_TTL_MS;
	} else {
		if (strcmp(e->err, err) != 0)
			log_warn("resolve.failed", "name=%s error=\"%s\"%s",
			    name, err, e->addr[0] ? " keeping=old" : "");
		snprintf(e->err, sizeof(e->err), "%s", err);
		e->due_ms = clock_mono_ms() + RESOLVE_RETRY_MS;
	}
}

static void *
rv_main(void *arg)
{
	struct resolver	*r = arg;
	struct rv_entry	*e;
	uint64_t	 wait_ms;
	int		 orphan;

	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		if ((e = rv_next(r, clock_mono_ms(), &wait_ms)) == NULL) {
			rv_wait(r, wait_ms);
			continue;
		}
		rv_lookup_one(r, e);
		if (r->orphan)
			break;
	}
	orphan = r->orphan;
	pthread_mutex_unlock(&r->mu);
	if (orphan) {
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
	}
	return NULL;
}

struct resolver *
resolver_start(char *err)
{
	struct resolver	*r = xcalloc(1, sizeof(*r));
	int		 rc;

	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if ((rc = pthread_create(&r->th, NULL, rv_main, r)) != 0) {
		set_err(err, "resolver thread: %s", strerror(rc));
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		free(r);
		return NULL;
	}
	return r;
}

void
resolver_stop(struct resolver *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	if (r->busy) {		/* a lookup may hang: never wait for it */
		r->orphan = 1;
		pthread_detach(r->th);
		pthread_mutex_unlock(&r->mu);
		return;
	}
	r->stop = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->th, NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}

static struct rv_entry *
rv_find(struct resolver *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->e[i].name, name) == 0)
			return &r->e[i];
	return NULL;
}

int
resolver_lookup(struct resolver *r, const char *name,
    char *out, size_t outlen, char *err)
{
	struct rv_entry	*e;
	int		 rc;

	if (resolver_is_literal(name)) {
		snprintf(out, outlen, "%s", name);
		return 1;
	}
	if (name[0] == '\0' || strlen(name) >= RESOLVE_NAME_LEN) {
		set_err(err, "host name \"%.64s\": empty or too long", name);
		return -1;
	}
	pthread_mutex_lock(&r->mu);
	if ((e = rv_find(r, name)) == NULL) {
		if (r->n == RESOLVE_MAX_NAMES) {
			pthread_mutex_unlock(&r->mu);
			set_err(err, "host name %s: more than %d names to "
			    "resolve", name, RESOLVE_MAX_NAMES);
			return -1;
		}
		e = &r->e[r->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
		pthread_cond_signal(&r->cv);	/* due now */
	}
	if (e->addr[0] != '\0') {
		snprintf(out, outlen, "%s", e->addr);
		rc = 1;
	} else if (e->err[0] != '\0') {
		set_err(err, "%s", e->err);
		rc = -1;
	} else {
		set_err(err, "host name %s: lookup pending", name);
		rc = 0;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

int
resolver_nfs_url(struct resolver *r, const char *spec, char *out,
    size_t outlen, char *err)
{
	char		 name[RESOLVE_NAME_LEN], addr[RESOLVE_ADDR_LEN];
	const char	*host, *end;
	size_t		 n;
	int		 rc;

	if (r == NULL || strncmp(spec, "nfs://", 6) != 0 || spec[6] == '[') {
		snprintf(out, outlen, "%s", spec);
		return 1;
	}
	host = spec + 6;
	end = host + strcspn(host, ":/?");
	if ((n = (size_t)(end - host)) == 0 || n >= sizeof(name)) {
		snprintf(out, outlen, "%s", spec);	/* libnfs says why */
		return 1;
	}
	memcpy(name, host, n);
	name[n] = '\0';
	if ((rc = resolver_lookup(r, name, addr, sizeof(addr), err)) != 1)
		return rc;
	if ((size_t)snprintf(out, outlen, "nfs://%s%s%s%s",
	    strchr(addr, ':') != NULL ? "[" : "", addr,
	    strchr(addr, ':') != NULL ? "]" : "", end) >= outlen) {
		set_err(err, "heartbeat pool %s: URL too long with the server "
		    "address %s", spec, addr);
		return -1;
	}
	return 1;
}
