/*
 * sol_capture.c -- console capture over SOL on its own thread (see
 * sol_capture.h), and the SOL probe `hawatch doctor` uses.
 *
 * One thread per capture owns its libipmiconsole contexts; the caller
 * talks to it only through the mutex-protected struct below and a wake
 * pipe.  Phases: history (payload instance 2, until ipmi_sim's
 * "<End Of History>" marker or SOL_HISTORY_MS), then live (instance 1,
 * until stopped).  Each phase's session is ended by closing its fd and
 * destroying its context, which makes the engine deactivate the payload
 * and close the session cleanly.  The handle is reference counted (caller
 * + thread), so a caller that gives up at its deadline never waits and
 * never leaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freeipmi/freeipmi.h>
#include <ipmiconsole.h>

#include "clock.h"
#include "sol_capture.h"
#include "util.h"

/* Engine threads shared by every capture: one SOL session each is light. */
#define SOL_ENGINE_THREADS	2
/* Poll period of a capture thread: bounds how late it sees a deadline. */
#define SOL_POLL_MS		100

static const char sol_marker[] = "<End Of History>";

struct sol_capture {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 refs;		/* caller + thread */
	int			 stop;		/* caller asked to release */
	int			 released;	/* no SOL session open */
	int			 finished;	/* thread ended */
	int			 probe;		/* doctor: end once live is up */
	int			 wake[2];	/* pipe: stop -> thread */
	struct ipmi_target	 t;
	struct sol_settings	 set;
	unsigned char		*buf;		/* last set.console_bytes */
	size_t			 len;
	int			 history, live;
	int			 refused;	/* sol_result.refused */
	size_t			 history_bytes;
	char			 reason[256];
	uint64_t		 start_ms;
};

static pthread_once_t	sol_once = PTHREAD_ONCE_INIT;
static int		sol_engine_ok;

static void
sol_engine_init(void)
{
	sol_engine_ok = ipmiconsole_engine_init(SOL_ENGINE_THREADS, 0) == 0;
}

size_t
sol_strip_nul(unsigned char *p, size_t n)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++)
		if (p[i] != '\0')
			p[o++] = p[i];
	return o;
}

long
sol_history_marker(const unsigned char *buf, size_t len)
{
	size_t	m = sizeof(sol_marker) - 1, i;

	for (i = 0; i + m <= len; i++)
		if (memcmp(buf + i, sol_marker, m) == 0)
			return (long)i;
	return -1;
}

/* keep the newest console_bytes; caller holds mu */
static void
sol_append(struct sol_capture *c, const unsigned char *p, size_t n)
{
	size_t	cap = c->set.console_bytes, drop;

	if (n >= cap) {
		memcpy(c->buf, p + (n - cap), cap);
		c->len = cap;
		return;
	}
	if (c->len + n > cap) {
		drop = c->len + n - cap;
		memmove(c->buf, c->buf + drop, c->len - drop);
		c->len -= drop;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static void
sol_set_reason(struct sol_capture *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sol_set_reason(struct sol_capture *c, const char *fmt, ...)
{
	va_list	ap;

	pthread_mutex_lock(&c->mu);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&c->mu);
}

static int
sol_stopping(struct sol_capture *c)
{
	int	s;

	pthread_mutex_lock(&c->mu);
	s = c->stop;
	pthread_mutex_unlock(&c->mu);
	return s;
}

static ipmiconsole_ctx_t
sol_ctx(struct sol_capture *c, unsigned instance, char *err)
{
	struct ipmiconsole_ipmi_config		ic;
	struct ipmiconsole_protocol_config	pc;
	struct ipmiconsole_engine_config	ec;
	ipmiconsole_ctx_t			ctx;
	char					addr[IPMI_ADDR_LEN];

	memset(&ic, 0, sizeof(ic));
	ic.username = c->t.user;
	ic.password = c->t.password;
	ic.privilege_level = c->t.privilege == IPMI_PRIVILEGE_LEVEL_ADMIN ? IPMICONSOLE_PRIVILEGE_ADMIN :
	    IPMICONSOLE_PRIVILEGE_OPERATOR;
	ic.cipher_suite_id = c->t.cipher_suite;
	ic.workaround_flags = c->set.workaround_flags;
	memset(&pc, 0, sizeof(pc));
	pc.session_timeout_len = SOL_SESSION_TIMEOUT_MS;
	pc.retransmission_timeout_len = SOL_RETRANS_TIMEOUT_MS;
	pc.keepalive_timeout_len = SOL_KEEPALIVE_MS;
	pc.retransmission_keepalive_timeout_len = SOL_RETRANS_TIMEOUT_MS;
	memset(&ec, 0, sizeof(ec));
	ec.engine_flags = IPMICONSOLE_ENGINE_OUTPUT_ON_SOL_ESTABLISHED;
	ec.behavior_flags = c->set.steal ? 0 :
	    IPMICONSOLE_BEHAVIOR_ERROR_ON_SOL_INUSE;
	ipmi_target_addr(&c->t, addr, sizeof(addr));
	/* libipmiconsole 1.6 takes a bare host name: no port, no brackets */
	if (c->t.port != IPMI_PORT_DEFAULT) {
		set_err(err, "SOL %s: %s", addr, SOL_PORT_REASON);
		pthread_mutex_lock(&c->mu);
		c->refused = 1;
		pthread_mutex_unlock(&c->mu);
		return NULL;
	}
	if ((ctx = ipmiconsole_ctx_create(c->t.host, &ic, &pc,
	    &ec)) == NULL) {
		set_err(err, "SOL %s: %s", addr, strerror(errno));
		return NULL;
	}
	if (ipmiconsole_ctx_set_config(ctx,
	    IPMICONSOLE_CTX_CONFIG_OPTION_SOL_PAYLOAD_INSTANCE,
	    &instance) == -1 || ipmiconsole_engine_submit(ctx, NULL,
	    NULL) == -1) {
		set_err(err, "SOL %s: %s", addr,
		    ipmiconsole_ctx_errormsg(ctx));
		ipmiconsole_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Why a session ended on EOF, one line; 1 when the BMC refuses SOL (the
 * caller counts it only when neither history nor live SOL came up: a BMC
 * without instance 2 answers "BMC Error" to it and still has live SOL;
 * ipmi_sim without a `sol` line answers "BMC Error" to both).
 */
static int
sol_eof_reason(ipmiconsole_ctx_t ctx, const char *phase, char *err)
{
	int	e = ipmiconsole_ctx_errnum(ctx);

	if (e == IPMICONSOLE_ERR_SUCCESS)
		set_err(err, "%s: SOL session ended", phase);
	else
		set_err(err, "%s: %s%s", phase, ipmiconsole_ctx_strerror(e),
		    e == IPMICONSOLE_ERR_SOL_INUSE ? " (held by another "
		    "client; not taken over: sol_steal is off)" : "");
	switch (e) {
	case IPMICONSOLE_ERR_SOL_UNAVAILABLE:
	case IPMICONSOLE_ERR_SOL_REQUIRES_ENCRYPTION:
	case IPMICONSOLE_ERR_SOL_REQUIRES_NO_ENCRYPTION:
	case IPMICONSOLE_ERR_IPMI_2_0_UNAVAILABLE:
	case IPMICONSOLE_ERR_BMC_IMPLEMENTATION:
	case IPMICONSOLE_ERR_BMC_ERROR:
		return 1;
	default:
		return 0;
	}
}

/* the history read so far (instance 2), before it joins the capture */
struct sol_hist {
	unsigned char	*v;
	size_t		 len, cap;
};

/* add a chunk; 1 when it completed the history (marker found) */
static int
sol_hist_add(struct sol_hist *h, const unsigned char *b, size_t n)
{
	long	m;

	if (h->len + n > h->cap) {
		h->cap = (h->len + n) * 2;
		if ((h->v = realloc(h->v, h->cap)) == NULL)
			abort();
	}
	memcpy(h->v + h->len, b, n);
	h->len += n;
	if ((m = sol_history_marker(h->v, h->len)) < 0)
		return 0;
	/* drop the "\r\n" ipmi_sim puts before the marker */
	h->len = (size_t)m;
	if (h->len >= 2 && h->v[h->len - 2] == '\r' &&
	    h->v[h->len - 1] == '\n')
		h->len -= 2;
	return 1;
}

/* the session is closed: mark released, keep what history was read */
static void
sol_session_end(struct sol_capture *c, unsigned instance, int rc,
    struct sol_hist *h)
{
	pthread_mutex_lock(&c->mu);
	c->released = 1;
	if (instance == 2 && rc == 1) {
		c->history = 1;
		c->history_bytes = h->len;
	}
	if (instance == 2 && h->len > 0)
		sol_append(c, h->v, h->len);	/* kept even if cut short */
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	free(h->v);
}

/* wait for the engine's fd or a wake-up; 1 readable, 0 not, -1 error */
static int
sol_wait(struct sol_capture *c, int fd, const char *phase, char *err)
{
	struct pollfd	p[2];

	p[0].fd = fd;
	p[0].events = POLLIN;
	p[1].fd = c->wake[0];
	p[1].events = POLLIN;
	if (poll(p, 2, SOL_POLL_MS) < 0 && errno != EINTR) {
		set_err(err, "%s: poll: %s", phase, strerror(errno));
		return -1;
	}
	return (p[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

/*
 * One SOL session on `instance`.  History: until the marker (returns 1)
 * or `until_ms`; live: until stopped, until_ms, or (probe) established.
 * Returns 1 done as wanted, 0 ended early (err says why), -1 no session.
 */
static int
sol_session(struct sol_capture *c, unsigned instance, uint64_t until_ms,
    char *err)
{
	const char		*phase = instance == 2 ? "history" : "live";
	unsigned char		 rb[4096];
	struct sol_hist		 hist = { NULL, 0, 0 };
	ipmiconsole_ctx_t	 ctx;
	size_t			 n;
	ssize_t			 r;
	int			 fd, w, rc = 0, up = 0;

	if ((ctx = sol_ctx(c, instance, err)) == NULL)
		return -1;
	if ((fd = ipmiconsole_ctx_fd(ctx)) < 0) {
		set_err(err, "%s: %s", phase, ipmiconsole_ctx_errormsg(ctx));
		ipmiconsole_ctx_destroy(ctx);
		return -1;
	}
	pthread_mutex_lock(&c->mu);
	c->released = 0;
	pthread_mutex_unlock(&c->mu);
	for (;;) {
		if (sol_stopping(c) || clock_mono_ms() >= until_ms) {
			if (sol_stopping(c))
				set_err(err, "%s: stopped before %s", phase,
				    instance == 2 ? "the end of the history" :
				    "done");
			else
				set_err(err, "%s: %s after %llums", phase, up ?
				    "no end of history" : "no SOL session",
				    (unsigned long long)(until_ms - c->start_ms));
			rc = instance == 1 && up;
			break;
		}
		if ((w = sol_wait(c, fd, phase, err)) <= 0) {
			if (w < 0)
				break;
			continue;
		}
		r = read(fd, rb, sizeof(rb));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			if (sol_eof_reason(ctx, phase, err) == 1) {
				pthread_mutex_lock(&c->mu);
				c->refused = 1;
				pthread_mutex_unlock(&c->mu);
			}
			break;
		}
		/* the engine writes one NUL when SOL is established */
		if (!up && memchr(rb, '\0', (size_t)r) != NULL)
			up = 1;
		n = sol_strip_nul(rb, (size_t)r);
		if (instance == 2) {
			if ((rc = sol_hist_add(&hist, rb, n)) == 1)
				break;
			continue;
		}
		pthread_mutex_lock(&c->mu);
		c->live = up;
		sol_append(c, rb, n);
		pthread_mutex_unlock(&c->mu);
		if (c->probe && up) {
			rc = 1;
			break;
		}
	}
	/* closing our end and destroying the context ends the session */
	close(fd);
	ipmiconsole_ctx_destroy(ctx);
	sol_session_end(c, instance, rc, &hist);
	return rc;
}
static void
sol_unref(struct sol_capture *c)
{
	int	last;

	pthread_mutex_lock(&c->mu);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->mu);
	if (!last)
		return;
	close(c->wake[0]);
	close(c->wake[1]);
	explicit_bzero(&c->t, sizeof(c->t));
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c->buf);
	free(c);
}

static void *
sol_thread(void *arg)
{
	struct sol_capture	*c = arg;
	char			 he[ERR_LEN], le[ERR_LEN];
	uint64_t		 hist_until, end;
	int			 h, l = 0;

	he[0] = le[0] = '\0';
	end = c->start_ms + (c->probe ? SOL_SESSION_TIMEOUT_MS * 2 :
	    SOL_CAPTURE_MAX_MS);
	hist_until = c->start_ms + SOL_HISTORY_MS;
	if (hist_until > end)
		hist_until = end;
	h = sol_session(c, 2, hist_until, he);
	if (!sol_stopping(c) && !(c->probe && h == 1))
		l = sol_session(c, 1, end, le);
	l = l == 1 || c->live;
	if (h != 1 && !l)
		sol_set_reason(c, "%.120s; %.120s", he, le[0] ? le : "live: "
		    "not tried (stopped)");
	else if (h != 1 && !c->probe)
		sol_set_reason(c, "no history (%.200s); live output only", he);
	else if (h == 1 && !l && le[0] != '\0')
		sol_set_reason(c, "history only; %.200s", le);
	pthread_mutex_lock(&c->mu);
	c->finished = 1;
	c->released = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	sol_unref(c);
	return NULL;
}

static struct sol_capture *
sol_new(const struct ipmi_target *t, const struct sol_settings *s, int probe,
    char *err)
{
	struct sol_capture	*c;
	pthread_attr_t		 a;
	pthread_t		 th;

	pthread_once(&sol_once, sol_engine_init);
	if (!sol_engine_ok) {
		set_err(err, "SOL: libipmiconsole engine did not start");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->t = *t;
	c->set = *s;
	if (c->set.console_bytes == 0)
		c->set.console_bytes = SOL_CONSOLE_BYTES_DEFAULT;
	c->buf = xcalloc(1, c->set.console_bytes);
	c->probe = probe;
	c->released = 1;
	c->refs = 2;
	c->start_ms = clock_mono_ms();
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		set_err(err, "SOL: pipe: %s", strerror(errno));
		goto fail;
	}
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if ((errno = pthread_create(&th, &a, sol_thread, c)) != 0) {
		set_err(err, "SOL: thread: %s", strerror(errno));
		pthread_attr_destroy(&a);
		close(c->wake[0]);
		close(c->wake[1]);
		goto fail;
	}
	pthread_attr_destroy(&a);
	return c;
fail:
	explicit_bzero(&c->t, sizeof(c->t));
	free(c->buf);
	free(c);
	return NULL;
}

struct sol_capture *
sol_capture_start(const struct ipmi_target *t, const struct sol_settings *s,
    char *err)
{
	return sol_new(t, s, 0, err);
}

void
sol_capture_stop(struct sol_capture *c)
{
	pthread_mutex_lock(&c->mu);
	if (!c->stop) {
		c->stop = 1;
		(void)!write(c->wake[1], "x", 1);
	}
	pthread_mutex_unlock(&c->mu);
}

/* wait on cv until cond or deadline; caller holds mu */
static void
sol_wait_until(struct sol_capture *c, const int *flag, uint64_t deadline)
{
	struct timespec	ts;
	uint64_t	now, ms;

	while (!*flag && (now = clock_mono_ms()) < deadline) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ms = deadline - now;
		ts.tv_sec += (time_t)(ms / 1000);
		ts.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
}

int
sol_capture_wait_released(struct sol_capture *c, unsigned ms)
{
	int	r;

	pthread_mutex_lock(&c->mu);
	sol_wait_until(c, &c->released, clock_mono_ms() + ms);
	r = c->released;
	pthread_mutex_unlock(&c->mu);
	return r;
}

int
sol_capture_finished(struct sol_capture *c)
{
	int	r;

	pthread_mutex_lock(&c->mu);
	r = c->finished;
	pthread_mutex_unlock(&c->mu);
	return r;
}

void
sol_capture_stop_and_collect(struct sol_capture *c, uint64_t deadline,
    struct sol_result *out)
{
	memset(out, 0, sizeof(*out));
	sol_capture_stop(c);
	pthread_mutex_lock(&c->mu);
	sol_wait_until(c, &c->finished, deadline);
	out->complete = c->finished;
	out->history = c->history;
	out->live = c->live;
	out->refused = c->refused && !c->history && !c->live;
	if (c->len > 0) {
		out->data = malloc(c->len);
		if (out->data == NULL)
			abort();
		memcpy(out->data, c->buf, c->len);
		out->len = c->len;
	}
	if (!c->finished)
		snprintf(out->reason, sizeof(out->reason), "SOL capture did "
		    "not end by its deadline (%s); kept %zu bytes read so far",
		    c->released ? "session released" : "session still open",
		    c->len);
	else
		snprintf(out->reason, sizeof(out->reason), "%s", c->reason);
	out->elapsed_ms = clock_mono_ms() - c->start_ms;
	pthread_mutex_unlock(&c->mu);
	sol_unref(c);
}

void
sol_capture_cancel(struct sol_capture *c)
{
	sol_capture_stop(c);
	sol_unref(c);
}

void
sol_result_free(struct sol_result *r)
{
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

void
sol_probe(const struct ipmi_target *t, const struct sol_settings *s,
    unsigned timeout_ms, struct sol_probe_result *out)
{
	struct sol_capture	*c;
	char			 err[ERR_LEN];

	memset(out, 0, sizeof(*out));
	if ((c = sol_new(t, s, 1, err)) == NULL) {
		snprintf(out->reason, sizeof(out->reason), "%.250s", err);
		return;
	}
	pthread_mutex_lock(&c->mu);
	sol_wait_until(c, &c->finished, c->start_ms + timeout_ms);
	out->sol = c->history || c->live;
	out->history = c->history;
	out->refused = c->refused && !out->sol;
	out->history_bytes = c->history_bytes;
	if (!c->finished)
		snprintf(out->reason, sizeof(out->reason), "no answer within "
		    "%ums", timeout_ms);
	else
		snprintf(out->reason, sizeof(out->reason), "%s", c->reason);
	out->elapsed_ms = clock_mono_ms() - c->start_ms;
	pthread_mutex_unlock(&c->mu);
	sol_capture_cancel(c);
}
