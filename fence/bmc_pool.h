/*
 * bmc_pool.h -- bounded worker pool that watches every BMC's power and runs
 * fence requests.
 *
 * The tick loop's window onto the BMCs.  Workers poll each host's power
 * every poll interval (ipmi_power_status) and run fences (ipmi_fence) when
 * asked; results land in a mutex-protected table that bmc_pool_snapshot()
 * copies out.  Workers never hold the mutex during I/O, so the tick loop
 * never waits on a BMC.
 *
 * Invariants:
 *  - operations on one host never overlap (one worker at a time per host);
 *  - a fence request runs before any due poll; a duplicate request for a
 *    host with a fence queued or running is absorbed;
 *  - a hung BMC occupies one worker for at most about two session timeouts
 *    per poll; with N workers and M hosts a poll round takes at most
 *    ceil(M/N) such periods;
 *  - after a fence finishes, the host is re-polled at once (the off may
 *    land late; the caller must look before retrying).
 * It decides nothing: no retries, no fencing on its own.
 */
#ifndef HAWATCH_BMC_POOL_H
#define HAWATCH_BMC_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "ipmi.h"

struct bmc_pool;

/* Copy of one host's latest observations. */
struct bmc_view {
	enum bmc_status	 last_status;	/* meaningful once power_seq > 0 */
	enum pwr_obs	 power;		/* last_status as the core sees it;
					 * PWR_UNKNOWN until the first read */
	uint64_t	 power_seq;	/* +1 per completed status read,
					 * failed ones included */
	uint64_t	 last_read_mono_ms;
	char		 last_err[256];	/* "" after a good reading */
	enum fence_result fence;	/* FENCE_NONE until the first request */
	uint64_t	 fence_seq;	/* +1 when a fence attempt finishes */
	uint64_t	 fence_done_mono_ms;
	char		 fence_err[256];
};

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

#endif
