/*
 * bmc_pool.h -- bounded worker pool that watches every BMC's power and runs
 * fence requests.
 *
 * The tick loop's window onto the BMCs.  Workers poll each host's power
 * every poll interval and run fences when asked, both over the host's kept
 * session (ipmi_conn_power / ipmi_conn_fence: one RMCP+ handshake per BMC
 * in steady state, reuse rules in ipmi.h); results land in a
 * mutex-protected table that bmc_pool_snapshot() copies out.  Workers
 * never hold the mutex during I/O, so the tick loop never waits on a BMC.
 *
 * Event-driven confirmation: a reading whose power (on/off) differs from
 * the host's previous reading is confirmed by a second reading
 * BMC_CONFIRM_DELAY_MS after the tick loop has snapshotted the first one
 * (so the core counts them as two readings, S2), not one poll interval
 * later.  Both readings, and every finished fence, make the wake fd
 * (bmc_pool_wake_fd) readable, so the daemon runs its round at once
 * instead of at the next tick.
 *
 * Invariants:
 *  - operations on one host never overlap (one worker at a time per host);
 *  - a fence request runs before any due poll; a duplicate request for a
 *    host with a fence queued or running is absorbed;
 *  - a hung BMC occupies one worker for at most about two session timeouts
 *    per poll; with N workers and M hosts a poll round takes at most
 *    ceil(M/N) such periods;
 *  - after a fence finishes, the host is re-polled at once (the off may
 *    land late; the caller must look before retrying);
 *  - a host's session is used by its busy worker only, closed by a worker
 *    (never under the mutex) when its target changes or it is dropped,
 *    and every open session is closed by bmc_pool_free().
 * It decides nothing: no retries, no fencing on its own.
 */
#ifndef HAWATCH_BMC_POOL_H
#define HAWATCH_BMC_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "bmc_types.h"
#include "ipmi.h"

struct bmc_pool;

/* nworkers 1..64, poll_interval_ms > 0; NULL on failure (logged). */
struct bmc_pool	*bmc_pool_new(unsigned nworkers, unsigned poll_interval_ms);

/*
 * Replace the set of hosts (config load/reload); copies the targets.
 * Hosts kept with an unchanged target keep their view; new or changed ones
 * are polled at once; removed ones are dropped (after their running
 * operation ends).  Returns -1 (nothing changed) on a duplicate id.
 */
int	bmc_pool_set_targets(struct bmc_pool *, const uint32_t ids[],
	    const struct ipmi_target targets[], size_t n);

/*
 * Ask for a fence of host_id, never blocks.  Returns 0 when queued, 1 when
 * a fence for that host is already queued or running (absorbed), -1 for an
 * unknown host.
 */
int	bmc_pool_request_fence(struct bmc_pool *, uint32_t host_id,
	    unsigned fence_timeout_ms);

/* Copy host_id's view; 0, or -1 for an unknown host.  Never waits on I/O. */
int	bmc_pool_snapshot(struct bmc_pool *, uint32_t host_id,
	    struct bmc_view *out);

/*
 * Stop the workers and free everything.  Returns once every worker has
 * finished its current operation: within about two session timeouts (a
 * running fence is cancelled between readings).
 */
void	bmc_pool_free(struct bmc_pool *);

/* Copy the counters; never waits on I/O. */
void	bmc_pool_stats(struct bmc_pool *, struct bmc_pool_stats *out);

/*
 * An eventfd that becomes readable when a power change was read or
 * confirmed, or a fence finished; the reader drains it (read 8 bytes).
 */
int	bmc_pool_wake_fd(const struct bmc_pool *);

/* 0: open a fresh session for every operation and close it after (the
 * behaviour before kept sessions; for benchmarks).  Default 1. */
void	bmc_pool_set_reuse(struct bmc_pool *, int reuse);

#endif
