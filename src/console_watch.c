/*
 * console_watch.c -- start, stop and store the daemon's console captures
 * (console_watch.h).  Runs on the tick thread; the captures themselves
 * run on their own threads (fence/sol_capture.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmc_target.h"
#include "clock.h"
#include "console_log.h"
#include "console_watch.h"
#include "daemon.h"
#include "hw_schema.h"
#include "log.h"
#include "owner.h"
#include "sol_capture.h"
#include "util.h"

struct cw_host {
	uint64_t		 id;
	struct sol_capture	*cap;		/* running, or NULL */
	uint64_t		 last_bytes;	/* of the last stored capture */
	uint64_t		 last_id;	/* its console_log.id */
	int			 port_logged;	/* "port 623 only" said once */
	int			 sol_off;	/* auto: the BMC refused SOL */
};

struct console_watch {
	struct cw_host	*v;
	size_t		 n, cap;
};

/* The host's entry, kept sorted by id (a status file looks every host up
 * each tick: a linear scan was quadratic at 10,000 hosts); created when
 * asked.  Creating one may move the others. */
static struct cw_host *
cw_host(struct daemon *d, uint64_t id, int create)
{
	struct console_watch	*w;
	size_t			 lo = 0, hi, mid;

	if (d->console == NULL) {
		if (!create)
			return NULL;
		d->console = xcalloc(1, sizeof(*d->console));
	}
	w = d->console;
	for (hi = w->n; lo < hi;) {
		mid = lo + (hi - lo) / 2;
		if (w->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->n && w->v[lo].id == id)
		return &w->v[lo];
	if (!create)
		return NULL;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		if ((w->v = realloc(w->v, w->cap * sizeof(*w->v))) == NULL)
			abort();
	}
	memmove(&w->v[lo + 1], &w->v[lo], (w->n - lo) * sizeof(*w->v));
	memset(&w->v[lo], 0, sizeof(w->v[lo]));
	w->v[lo].id = id;
	w->n++;
	return &w->v[lo];
}

/*
 * The host's SOL settings; 0 capture wanted, -1 not (off, no BMC, BMC not
 * on port 623, auto and its SOL refused before, error).  Each reason is
 * logged once per host, not at every transition.
 */
static int
cw_target(struct daemon *d, struct cw_host *c, struct ipmi_target *t,
    struct sol_settings *s)
{
	uint64_t			 id = c->id;
	const struct inv_host		*h = inventory_host(&d->inv, id);
	char				 err[ERR_LEN], addr[IPMI_ADDR_LEN];

	if (bmc_sol_settings(&d->cfg, id, s, err) == -1) {
		log_err("console.config", "host=%llu error=\"%s\"",
		    (unsigned long long)id, err);
		return -1;
	}
	if (s->capture == SOL_CAPTURE_OFF || h == NULL ||
	    (s->capture == SOL_CAPTURE_AUTO && c->sol_off))
		return -1;
	if (bmc_target_from_config(&d->cfg, h, t, err) != 1)
		return -1;	/* no BMC: bmc.config already says why */
	if (t->port != IPMI_PORT_DEFAULT) {
		ipmi_target_addr(t, addr, sizeof(addr));
		if (!c->port_logged)
			log_warn("console.unavailable", "host=%llu bmc=%s "
			    "reason=\"%s\": no console capture for this host",
			    (unsigned long long)id, addr, SOL_PORT_REASON);
		c->port_logged = 1;
		ipmi_target_clear(t);
		return -1;
	}
	return 0;
}

static void
cw_start(struct daemon *d, uint64_t id)
{
	struct cw_host		*c = cw_host(d, id, 1);
	struct ipmi_target	 t;
	struct sol_settings	 s;
	char			 err[ERR_LEN];

	if (c->cap != NULL || cw_target(d, c, &t, &s) == -1)
		return;
	c->cap = sol_capture_start(&t, &s, err);
	ipmi_target_clear(&t);
	if (c->cap == NULL)
		log_warn("console.capture_failed", "host=%llu reason=\"%s\"",
		    (unsigned long long)id, err);
	else
		log_info("console.capture_start", "host=%llu bytes_max=%u",
		    (unsigned long long)id, s.console_bytes);
}

void
console_watch_transition(struct daemon *d, uint64_t id, enum host_state to)
{
	struct cw_host	*c;

	switch (to) {
	case HS_SUSPECT:	/* dead_after later it may be fenced: the
				 * history is read now, live output follows */
	case HS_DEAD:
	case HS_FENCING:
		cw_start(d, id);
		break;
	case HS_ALIVE:
	case HS_RETURNED:
	case HS_IGNORED:
		if ((c = cw_host(d, id, 0)) != NULL && c->cap != NULL) {
			sol_capture_cancel(c->cap);
			c->cap = NULL;
			log_info("console.capture_dropped", "host=%llu "
			    "state=%s", (unsigned long long)id,
			    host_state_name(to));
		}
		break;
	default:
		break;
	}
}

void
console_watch_before_fence(struct daemon *d, uint64_t id)
{
	struct cw_host	*c = cw_host(d, id, 0);
	uint64_t	 t0;

	if (c == NULL || c->cap == NULL)
		return;
	t0 = clock_mono_us();
	sol_capture_stop(c->cap);
	if (!sol_capture_wait_released(c->cap, CONSOLE_RELEASE_WAIT_MS))
		log_warn("console.release_slow", "host=%llu waited_ms=%u: SOL "
		    "session still open; the fence goes ahead",
		    (unsigned long long)id, CONSOLE_RELEASE_WAIT_MS);
	else
		log_info("console.released", "host=%llu wait_ms=%.1f",
		    (unsigned long long)id, (clock_mono_us() - t0) / 1000.0);
}

static const char *
cw_source(const struct sol_result *r)
{
	if (r->history && r->live)
		return "history+live";
	if (r->history)
		return "history";
	if (r->live)
		return "live";
	return r->len > 0 ? "partial" : "none";
}

/* store r; its console_log id, or 0 (logged) */
static uint64_t
cw_store(struct daemon *d, uint64_t id, const struct sol_result *r)
{
	struct console_capture_in	in;
	uint64_t			row = 0;
	char				err[ERR_LEN];

	if (!owner_may_write(d, id))
		return 0;
	memset(&in, 0, sizeof(in));
	in.host_id = id;
	in.actor = d->actor;
	in.source = cw_source(r);
	in.data = r->data;
	in.len = r->len;
	in.complete = r->complete;
	in.reason = r->reason;
	in.elapsed_ms = r->elapsed_ms;
	if (hw_schema_ensure(&d->db, err) == -1 || db_begin(&d->db,
	    err) == -1)
		goto fail;
	if (console_log_insert(&d->db, &in, &row, err) == -1 ||
	    db_check_holds_lock(&d->db, owner_lock(d, id), err) == -1) {
		db_rollback(&d->db);
		goto fail;
	}
	if (db_commit(&d->db, err) == -1)
		goto fail;
	return row;
fail:
	log_err("console.store_failed", "host=%llu error=\"%s\"",
	    (unsigned long long)id, err);
	return 0;
}

/* console_capture = auto: a BMC that refused SOL is not tried again */
static void
cw_refused(struct daemon *d, struct cw_host *c, const struct sol_result *r)
{
	struct sol_settings	s;
	char			err[ERR_LEN];

	if (!r->refused || c->sol_off)
		return;
	if (bmc_sol_settings(&d->cfg, c->id, &s, err) == -1 ||
	    s.capture != SOL_CAPTURE_AUTO)
		return;
	c->sol_off = 1;
	log_warn("console.capture_off", "host=%llu: the BMC refused SOL; "
	    "console_capture is auto, so this host gets no capture until "
	    "hawatch restarts (console_capture = \"on\" tries every time)",
	    (unsigned long long)c->id);
}

void
console_watch_fence_result(struct daemon *d, uint64_t id, struct sbuf *ev)
{
	struct cw_host		*c = cw_host(d, id, 0);
	struct sol_result	 r;
	char			 q[300];
	uint64_t		 row;

	if (c == NULL || c->cap == NULL)
		return;
	sol_capture_stop_and_collect(c->cap, clock_mono_ms() +
	    CONSOLE_COLLECT_WAIT_MS, &r);
	c->cap = NULL;
	row = cw_store(d, id, &r);
	if (r.len == 0 && r.reason[0] != '\0')
		log_warn("console.capture_failed", "host=%llu reason=%s",
		    (unsigned long long)id, log_quote(q, sizeof(q), r.reason));
	else
		log_info("console.captured", "host=%llu id=%llu bytes=%zu "
		    "source=%s complete=%d elapsed_ms=%llu reason=%s",
		    (unsigned long long)id, (unsigned long long)row, r.len,
		    cw_source(&r), r.complete,
		    (unsigned long long)r.elapsed_ms,
		    log_quote(q, sizeof(q), r.reason));
	if (row != 0) {
		c->last_id = row;
		c->last_bytes = r.len;
	}
	cw_refused(d, c, &r);
	sbuf_add(ev, ",\"console\":{\"id\":");
	if (row != 0)
		sbuf_add(ev, "%llu", (unsigned long long)row);
	else
		sbuf_add(ev, "null");
	sbuf_add(ev, ",\"bytes\":%zu,\"source\":\"%s\",\"reason\":", r.len,
	    cw_source(&r));
	sbuf_json_str(ev, r.reason[0] ? r.reason : NULL);
	sbuf_add(ev, "}");
	sol_result_free(&r);
}

void
console_watch_standby(struct daemon *d)
{
	struct console_watch	*w = d->console;
	size_t			 i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		if (w->v[i].cap == NULL)
			continue;
		sol_capture_cancel(w->v[i].cap);
		w->v[i].cap = NULL;
		log_info("console.capture_dropped", "host=%llu state=standby",
		    (unsigned long long)w->v[i].id);
	}
}

uint64_t
console_watch_bytes(struct daemon *d, uint64_t id)
{
	struct cw_host	*c = cw_host(d, id, 0);

	return c != NULL ? c->last_bytes : 0;
}

void
console_watch_free(struct console_watch *w)
{
	size_t	i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++)
		if (w->v[i].cap != NULL)
			sol_capture_cancel(w->v[i].cap);
	free(w->v);
	free(w);
}
