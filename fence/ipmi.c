/*
 * ipmi.c -- one BMC over IPMI 2.0 (lanplus) with libfreeipmi (see ipmi.h).
 *
 * Where it sits: bmc_pool.c worker threads call ipmi_conn_power() every
 * poll interval and ipmi_conn_fence() on request, over one kept session
 * per BMC (struct ipmi_conn, reuse rules in ipmi.h); the results become
 * observations for the pure core.  This file never decides anything.
 *
 * Invariants:
 *  - a session is closed and destroyed on every path that drops it: after
 *    any failed exchange, when it idles past its reuse window, and in
 *    ipmi_conn_close(); the one-shot calls close theirs before returning;
 *  - the only chassis control ever sent is POWER_DOWN, at most once per
 *    ipmi_fence() call, and only right after an "on" reading in the same
 *    session;
 *  - every network wait is bounded by the target's session timeout, which
 *    is never 0 (0 would mean libfreeipmi's 20 s default);
 *  - the password is passed to libfreeipmi and nowhere else: no err string
 *    or log line contains it.
 * Name resolution inside libfreeipmi (gethostbyname) is not bounded by the
 * session timeout: configure BMC addresses as IP literals.
 *
 * It does not retry: a failure is reported as such and the caller (the
 * core, through bmc_pool) re-queries before deciding anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <freeipmi/freeipmi.h>

#include "clock.h"
#include "ipmi.h"
#include "util.h"

struct ipmi_sess {
	const struct ipmi_target *t;
	struct ipmi_conn	*c;	/* c->ctx: the open session or NULL */
	char			 addr[IPMI_ADDR_LEN];
};

/* libfreeipmi errnum -> status; table in reference/ipmi.md 7. */
enum bmc_status
ipmi_errnum_status(int errnum)
{
	switch (errnum) {
	case IPMI_ERR_USERNAME_INVALID:
		return BMC_AUTH_USER;
	case IPMI_ERR_PASSWORD_INVALID:
	case IPMI_ERR_K_G_INVALID:
		return BMC_AUTH_PASSWORD;
	case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
	case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
	case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
		return BMC_PRIVILEGE;
	case IPMI_ERR_CONNECTION_TIMEOUT:
	case IPMI_ERR_SESSION_TIMEOUT:
	case IPMI_ERR_PASSWORD_VERIFICATION_TIMEOUT:
	case IPMI_ERR_MESSAGE_TIMEOUT:
	case IPMI_ERR_DRIVER_TIMEOUT:
		/* a timeout proves nothing, not even a wrong password */
		return BMC_TIMEOUT;
	case IPMI_ERR_BMC_BUSY:
	case IPMI_ERR_DRIVER_BUSY:
	case IPMI_ERR_IPMI_ERROR:	/* RMCP+ "insufficient resources" */
		return BMC_BUSY;
	case IPMI_ERR_BAD_COMPLETION_CODE:
	case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
	case IPMI_ERR_COMMAND_INVALID_FOR_SELECTED_INTERFACE:
		return BMC_BAD_ANSWER;
	default:
		return BMC_ERROR;
	}
}

static pthread_once_t	ipmi_once = PTHREAD_ONCE_INIT;
static int		ipmi_init_rc;
static int		ipmi_init_errno;

static void
ipmi_init_once(void)
{
	/* libfreeipmi: "in threaded programs, must be called before threads
	 * are created" (crypto library init). */
	ipmi_init_rc = ipmi_rmcpplus_init();
	ipmi_init_errno = errno;
}

int
ipmi_global_init(char *err)
{
	pthread_once(&ipmi_once, ipmi_init_once);
	if (ipmi_init_rc < 0) {
		set_err(err, "ipmi: crypto init failed: %s",
		    strerror(ipmi_init_errno));
		return -1;
	}
	return 0;
}

/* --- sessions ---------------------------------------------------------- */

static enum bmc_status
sess_fail(struct ipmi_sess *s, const char *what, char *err)
{
	int		e = ipmi_ctx_errnum(s->c->ctx);
	enum bmc_status	st = ipmi_errnum_status(e);

	set_err(err, "bmc %s user '%s': %s: %s: %s (libfreeipmi errnum %d: "
	    "%s)", s->addr, s->t->user, what, bmc_status_name(st),
	    bmc_status_message(st), e, ipmi_ctx_errormsg(s->c->ctx));
	return st;
}

static void
sess_close(struct ipmi_sess *s)
{
	ipmi_conn_close(s->c);
}

void
ipmi_conn_close(struct ipmi_conn *c)
{
	if (c->ctx == NULL)
		return;
	ipmi_ctx_close(c->ctx);		/* sends Close Session */
	ipmi_ctx_destroy(c->ctx);
	c->ctx = NULL;
}

/* Returns 0 with an open session, or -1 with *st and err. */
static int
sess_open(struct ipmi_sess *s, enum bmc_status *st, char *err)
{
	const struct ipmi_target *t = s->t;
	ipmi_ctx_t		 ctx;

	if ((ctx = ipmi_ctx_create()) == NULL) {
		set_err(err, "bmc %s: ipmi_ctx_create: %s", s->addr,
		    strerror(errno));
		*st = BMC_ERROR;
		return -1;
	}
	s->c->ctx = ctx;
	s->c->opens++;
	if (ipmi_ctx_open_outofband_2_0(ctx, s->addr,
	    t->user[0] ? t->user : NULL, t->password[0] ? t->password : NULL,
	    NULL, 0, (uint8_t)t->privilege, (uint8_t)t->cipher_suite,
	    t->session_timeout_ms, t->retrans_timeout_ms, t->workaround_flags,
	    IPMI_FLAGS_DEFAULT) < 0) {
		*st = sess_fail(s, "open session", err);
		ipmi_ctx_destroy(ctx);	/* nothing open to close */
		s->c->ctx = NULL;
		s->c->open_failures++;
		return -1;
	}
	s->c->last_answer_ms = clock_mono_ms();
	return 0;
}

/* Get Chassis Status.  Returns BMC_ON/BMC_OFF or a failure (err filled). */
static enum bmc_status
sess_power(struct ipmi_sess *s, char *err)
{
	fiid_obj_t	rs;
	uint64_t	on = 0;
	enum bmc_status	st;

	if ((rs = fiid_obj_create(tmpl_cmd_get_chassis_status_rs)) == NULL) {
		set_err(err, "bmc %s: fiid_obj_create: %s", s->addr,
		    strerror(errno));
		return BMC_ERROR;
	}
	s->c->reads++;
	if (ipmi_cmd_get_chassis_status(s->c->ctx, rs) < 0)
		st = sess_fail(s, "get chassis status", err);
	else if (FIID_OBJ_GET(rs, "current_power_state.power_is_on", &on) <
	    0) {
		set_err(err, "bmc %s: get chassis status: %s: answer has no "
		    "current_power_state.power_is_on (%s)", s->addr,
		    bmc_status_name(BMC_BAD_ANSWER), fiid_obj_errormsg(rs));
		st = BMC_BAD_ANSWER;
	} else {
		st = on ? BMC_ON : BMC_OFF;
		s->c->last_answer_ms = clock_mono_ms();
	}
	fiid_obj_destroy(rs);
	return st;
}

/* Chassis Control POWER_DOWN.  Returns 0, or -1 with *st and err. */
static int
sess_power_down(struct ipmi_sess *s, enum bmc_status *st, char *err)
{
	fiid_obj_t	rs;
	int		rc = 0;

	if ((rs = fiid_obj_create(tmpl_cmd_chassis_control_rs)) == NULL) {
		set_err(err, "bmc %s: fiid_obj_create: %s", s->addr,
		    strerror(errno));
		*st = BMC_ERROR;
		return -1;
	}
	if (ipmi_cmd_chassis_control(s->c->ctx,
	    IPMI_CHASSIS_CONTROL_POWER_DOWN, rs) < 0) {
		*st = sess_fail(s, "chassis control power down", err);
		rc = -1;
	} else
		s->c->last_answer_ms = clock_mono_ms();
	fiid_obj_destroy(rs);
	return rc;
}

static int
sess_init(struct ipmi_sess *s, struct ipmi_conn *c,
    const struct ipmi_target *t, char *err)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->c = c;
	ipmi_target_addr(t, s->addr, sizeof(s->addr));
	if (ipmi_target_check(t, err) < 0)
		return -1;
	return ipmi_global_init(err);
}

static int
is_power(enum bmc_status st)
{
	return st == BMC_ON || st == BMC_OFF;
}

static int
is_auth(enum bmc_status st)
{
	return st == BMC_AUTH_PASSWORD || st == BMC_AUTH_USER ||
	    st == BMC_PRIVILEGE;
}

/*
 * May the open session carry the next command?  libfreeipmi counts a
 * command's session timeout from the last packet received, so the idle
 * gap must leave at least one retransmission's worth (ipmi.h).
 */
static int
sess_reusable(const struct ipmi_sess *s, uint64_t now)
{
	uint64_t	idle = now - s->c->last_answer_ms;
	uint64_t	window = s->t->session_timeout_ms -
	    s->t->retrans_timeout_ms;

	if (s->t->retrans_timeout_ms >= s->t->session_timeout_ms)
		return 0;
	return idle <= window && idle < IPMI_SESSION_IDLE_MAX_MS;
}

/* Get System GUID in one session: the 16 bytes as the BMC sends them. */
int
ipmi_system_guid(const struct ipmi_target *t, uint8_t guid[16], char *err)
{
	struct ipmi_conn	c;
	struct ipmi_sess	s;
	enum bmc_status		st;
	fiid_obj_t		rs;
	int			rc = -1;

	memset(&c, 0, sizeof(c));
	if (sess_init(&s, &c, t, err) < 0 || sess_open(&s, &st, err) < 0)
		return -1;
	if ((rs = fiid_obj_create(tmpl_cmd_get_system_guid_rs)) == NULL) {
		set_err(err, "bmc %s: fiid_obj_create: %s", s.addr,
		    strerror(errno));
		goto out;
	}
	if (ipmi_cmd_get_system_guid(c.ctx, rs) < 0)
		(void)sess_fail(&s, "get system guid", err);
	else if (fiid_obj_get_data(rs, "guid", guid, 16) != 16)
		set_err(err, "bmc %s: get system guid: answer has no 16-byte "
		    "guid (%s)", s.addr, fiid_obj_errormsg(rs));
	else
		rc = 0;
	fiid_obj_destroy(rs);
out:
	sess_close(&s);
	return rc;
}

/*
 * One power reading: over the open session if it may be reused, else a
 * fresh one.  A good reading leaves the session open; a failure closes
 * it, and a failure on a reused session is retried once on a fresh one
 * (the BMC may have dropped it).
 */
static enum bmc_status
sess_read(struct ipmi_sess *s, char *err)
{
	enum bmc_status	st;
	int		reused;

	if (s->c->ctx != NULL && !sess_reusable(s, clock_mono_ms())) {
		s->c->reopen_idle++;
		sess_close(s);
	}
	reused = s->c->ctx != NULL;
	if (!reused && sess_open(s, &st, err) < 0)
		return st;
	s->c->reads_reused += (uint64_t)reused;
	st = sess_power(s, err);
	if (is_power(st))
		return st;
	sess_close(s);
	if (!reused)
		return st;
	s->c->reopen_error++;
	if (sess_open(s, &st, err) < 0)
		return st;
	st = sess_power(s, err);
	if (!is_power(st))
		sess_close(s);
	return st;
}

int
ipmi_conn_power(struct ipmi_conn *c, const struct ipmi_target *t,
    enum bmc_status *out, char *err)
{
	struct ipmi_sess	s;

	*out = BMC_ERROR;
	if (sess_init(&s, c, t, err) < 0)
		return -1;
	*out = sess_read(&s, err);
	return is_power(*out) ? 0 : -1;
}

int
ipmi_power_status(const struct ipmi_target *t, enum bmc_status *out,
    char *err)
{
	struct ipmi_conn	c;
	int			rc;

	memset(&c, 0, sizeof(c));
	rc = ipmi_conn_power(&c, t, out, err);
	ipmi_conn_close(&c);
	return rc;
}

/* Deadline-bounded pause between read-backs, cut short by *cancel. */
static void
fence_nap(uint64_t ms, const atomic_int *cancel)
{
	struct timespec	ts;
	uint64_t	slice;

	while (ms > 0 && (cancel == NULL || atomic_load(cancel) == 0)) {
		slice = ms < 50 ? ms : 50;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)slice * 1000000L;
		nanosleep(&ts, NULL);
		ms -= slice;
	}
}

int
ipmi_conn_fence(struct ipmi_conn *c, const struct ipmi_target *t,
    unsigned fence_timeout_ms, const atomic_int *cancel,
    struct fence_report *r, char *err)
{
	struct ipmi_sess	s;
	enum bmc_status		st;
	char			rerr[ERR_LEN] = "";
	const char		*why = NULL;
	uint64_t		start = clock_mono_ms(), deadline, now, nap;
	unsigned		offs = 0;

	memset(r, 0, sizeof(*r));
	r->result = FENCE_FAILED_UNKNOWN;
	r->first = r->last = BMC_ERROR;
	deadline = start + fence_timeout_ms;
	if (sess_init(&s, c, t, err) < 0)
		goto out;
	for (;;) {
		st = sess_read(&s, rerr);
		r->last = st;
		if (r->reads++ == 0)
			r->first = st;
		if (st == BMC_OFF && ++offs >= 2) {
			r->result = FENCE_OFF_CONFIRMED;
			break;
		}
		if (st != BMC_OFF)
			offs = 0;
		if (!is_power(st) && !r->control_sent) {
			/* never send control without a fresh "on" reading */
			r->result = is_auth(st) ? FENCE_AUTH_ERROR :
			    FENCE_FAILED_UNKNOWN;
			set_err(err, "%s", rerr);
			break;
		}
		if (st == BMC_ON && !r->control_sent) {
			r->control_sent = 1;
			if (sess_power_down(&s, &st, rerr) < 0) {
				sess_close(&s);
				r->last = st;
				r->result = is_auth(st) ? FENCE_AUTH_ERROR :
				    FENCE_FAILED_UNKNOWN;
				set_err(err, "%s%s", rerr, is_auth(st) ? "" :
				    "; the power-down may still land");
				break;
			}
			continue;	/* read back at once */
		}
		now = clock_mono_ms();
		if (cancel != NULL && atomic_load(cancel) != 0)
			why = "fence cancelled";
		else if (now >= deadline)
			why = "power not confirmed off within the fence timeout";
		if (why != NULL) {
			set_err(err, "bmc %s: %s (%u ms, %u readings, last "
			    "%s); power-down %s%s%s", s.addr, why,
			    fence_timeout_ms, r->reads, bmc_status_name(st),
			    r->control_sent ? "sent, it may still land" :
			    "not sent", is_power(st) ? "" : "; last error: ",
			    is_power(st) ? "" : rerr);
			break;
		}
		/* libfreeipmi times a session out from its last answer, so
		 * never idle longer than half the session timeout */
		nap = IPMI_FENCE_READBACK_MS;
		if (nap > t->session_timeout_ms / 2)
			nap = t->session_timeout_ms / 2;
		fence_nap(deadline - now < nap ? deadline - now : nap, cancel);
	}
out:
	r->elapsed_ms = clock_mono_ms() - start;
	return r->result == FENCE_OFF_CONFIRMED ? 0 : -1;
}

int
ipmi_fence_cancelable(const struct ipmi_target *t, unsigned fence_timeout_ms,
    const atomic_int *cancel, struct fence_report *r, char *err)
{
	struct ipmi_conn	c;
	int			rc;

	memset(&c, 0, sizeof(c));
	rc = ipmi_conn_fence(&c, t, fence_timeout_ms, cancel, r, err);
	ipmi_conn_close(&c);
	return rc;
}

int
ipmi_fence(const struct ipmi_target *t, unsigned fence_timeout_ms,
    struct fence_report *r, char *err)
{
	return ipmi_fence_cancelable(t, fence_timeout_ms, NULL, r, err);
}
