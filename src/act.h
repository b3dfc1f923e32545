/*
 * act.h -- the executor: the second half of the supervisor's round.
 * act_run() carries out the core's actions through two small function
 * tables, one per adapter (keepalived's checker_funcs_t style): the BMC
 * pool, and the database (audit, fence log, reconcile).  The daemon uses
 * the real tables (act_bmc_real, act_db_real); tests/unit/check_act.c
 * runs the same executor against fakes.
 *
 * Order per fence: audit the decision (with the attempt number, in
 * hawatch.fence_attempt), release the host's SOL console capture, then ask
 * the BMC pool; the result is read back by a later observe_build() and
 * recorded by act_run().  An audit that fails stops the fence, and the
 * core hears FENCE_NOT_STARTED (not an attempt); a request the BMC pool
 * refuses is recorded as a failed attempt; once sent, the core hears
 * FENCE_RUNNING.  Result records and fence-record closes that fail are
 * retried on the next rounds.
 */
#ifndef HAWATCH_ACT_H
#define HAWATCH_ACT_H

#include <stdint.h>

#include "core.h"

struct daemon;
struct sbuf;
struct rec_opts;
struct rec_result;

struct act_bmc_funcs {			/* fence/bmc_pool.c */
	/* 0 queued, 1 already queued/running, -1 unknown host; never
	 * blocks */
	int	(*request_fence)(struct daemon *, uint32_t host_id,
		    unsigned fence_timeout_ms);
	/*
	 * Console capture over SOL (src/console_watch.c); each may be NULL
	 * (no capture).  transition: per core event, starts or drops a
	 * capture; release: after the fence_requested audit, before
	 * request_fence, closes the SOL session (bounded wait); collect: at
	 * the fence result, stores the bytes and appends "console":{...} to
	 * the result's evidence.  transition is called on the leader only:
	 * a BMC serves one SOL session, and a standby's capture would
	 * leave the leader's "SOL in use" (tick.c ends a standby's captures
	 * with console_watch_standby()).
	 */
	void	(*console_transition)(struct daemon *, uint64_t host_id,
		    enum host_state to);
	void	(*console_release)(struct daemon *, uint64_t host_id);
	void	(*console_collect)(struct daemon *, uint64_t host_id,
		    struct sbuf *evidence);
};

struct act_db_funcs {			/* src/db/, reconcile/ */
	/* one audit row, leader-checked (src/db/audit.c) */
	int	(*audit)(struct daemon *, const char *action, uint64_t host_id,
		    const char *reason, const char *evidence, char *err);
	/* "host.fence_requested" + the attempt number (src/db/fence_log.c) */
	int	(*fence_requested)(struct daemon *, uint64_t host_id,
		    unsigned attempt, const char *reason, const char *evidence,
		    char *err);
	/* forget the host's attempt count (src/db/fence_log.c) */
	int	(*budget_reset)(struct daemon *, uint64_t host_id,
		    const char *reason, char *err);
	/* close the fence record + "host.returned" row (src/db/fence_log.c) */
	int	(*returned)(struct daemon *, uint64_t host_id,
		    const char *reason, const char *evidence, char *err);
	/* the reconcile transaction (reconcile/vm_reconcile.c) */
	int	(*reconcile)(struct daemon *, uint64_t host_id,
		    const struct rec_opts *, struct rec_result *, char *err);
};

extern const struct act_bmc_funcs act_bmc_real;
extern const struct act_db_funcs act_db_real;

/* Record new fence results, log transitions, execute d->acts. */
void	act_run(struct daemon *);

/* The next fence result the core sees for host_id (observe.c passes the
 * BMC pool's; the executor its own). */
void	act_fence_result(struct daemon *, uint64_t host_id,
	    enum fence_result);

/* A finished attempt from the BMC pool (observe.c): queue it for the
 * audit and pass its result to the core. */
struct bmc_view;
void	act_fence_news(struct daemon *, uint64_t host_id,
	    const struct bmc_view *);

/* Hand the sweeper thread the hosts it may sweep: the core's ALIVE ones. */
void	act_publish_sweep(struct daemon *);

#endif
