/*
 * metrics_http.c -- the Prometheus endpoint: GET /metrics served by
 * libmicrohttpd on its own thread (one internal poll() thread).
 *
 * The tick hands in a snapshot with metrics_server_publish(), which copies
 * it under the mutex.  A scrape copies the latest one out under the same
 * mutex, releases it, renders and queues the text; libmicrohttpd sends it
 * without blocking.  So the tick waits at most for one memcpy, whatever
 * the scrapers do.  Bounds: max_connections at once (further ones wait in
 * the listen backlog, unanswered, until a slot frees), 4 per client
 * address, connection_timeout of idle time each, 64 KiB of
 * request memory per connection.  Before the first tick a scrape gets 503.
 */
#include <sys/socket.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "util.h"

/* one scraper is one Prometheus; 4 lets a retry overlap a slow scrape */
#define METRICS_PER_IP_LIMIT	4
/* a GET is a few hundred bytes of headers; 64 KiB bounds a bad client */
#define METRICS_CONN_MEMORY	(64 * 1024)

struct metrics_server {
	struct MHD_Daemon	*mhd;
	pthread_mutex_t		 mu;
	struct metrics_snap	 snap;		/* under mu */
	int			 have_snap;	/* under mu */
};

static const char	metrics_ctype[] = "text/plain; version=0.0.4; "
    "charset=utf-8";

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned code, char *body, size_t len,
    const char *ctype)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned code, const char *text)
{
	return reply(c, code, xstrdup(text), strlen(text),
	    "text/plain; charset=utf-8");
}

static enum MHD_Result
serve(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct metrics_server	*srv = cls;
	struct metrics_snap	 snap;
	struct sbuf		 o;
	int			 have;

	(void)version;
	(void)upload;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "only GET /metrics\n");
	if (*upload_len != 0)
		return MHD_NO;		/* a GET with a body: drop it */
	if (strcmp(url, "/metrics") != 0)
		return reply_text(c, MHD_HTTP_NOT_FOUND, "see /metrics\n");
	memset(&snap, 0, sizeof(snap));
	pthread_mutex_lock(&srv->mu);
	if ((have = srv->have_snap))
		metrics_snap_copy(&snap, &srv->snap);
	pthread_mutex_unlock(&srv->mu);
	if (!have)
		return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "no tick completed yet\n");
	sbuf_init(&o);
	metrics_render(&snap, clock_mono_ms(), &o);
	metrics_snap_free(&snap);
	return reply(c, MHD_HTTP_OK, o.s, o.len, metrics_ctype);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	msg[256];
	size_t	n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	while (n-- > 0)
		if (msg[n] == '"' || msg[n] == '\n')
			msg[n] = '\'';
	log_warn("metrics.http", "error=\"%s\"", msg);
}

struct metrics_server *
metrics_server_start(const struct metrics_config *mc, char *err)
{
	struct metrics_server	*srv;
	struct sockaddr_storage	 ss;
	unsigned		 len, flags;

	if (metrics_listen_parse(mc->listen, &ss, &len, err) == -1)
		return NULL;
	srv = xcalloc(1, sizeof(*srv));
	pthread_mutex_init(&srv->mu, NULL);
	flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, serve, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,	/* first: all logs */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)mc->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_PER_IP_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)((mc->connection_timeout_ms + 999) / 1000),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
	    MHD_OPTION_END);
	if (srv->mhd == NULL) {
		set_err(err, "metrics.listen %s: cannot listen (address in use "
		    "or not local?)", mc->listen);
		pthread_mutex_destroy(&srv->mu);
		free(srv);
		return NULL;
	}
	return srv;
}

void
metrics_server_publish(struct metrics_server *srv,
    const struct metrics_snap *s)
{
	if (srv == NULL)
		return;
	pthread_mutex_lock(&srv->mu);
	metrics_snap_copy(&srv->snap, s);
	srv->have_snap = 1;
	pthread_mutex_unlock(&srv->mu);
}

void
metrics_server_stop(struct metrics_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->mhd);	/* joins its thread */
	metrics_snap_free(&srv->snap);
	pthread_mutex_destroy(&srv->mu);
	free(srv);
}
