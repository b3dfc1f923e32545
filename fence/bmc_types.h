/*
 * bmc_types.h -- what the BMC pool hands out: one host's view, the pool's
 * counters, and the confirming-read delay (contract in bmc_pool.h).
 * Shared by bmc_pool.[ch] and bmc_worker.[ch].
 */
#ifndef HAWATCH_BMC_TYPES_H
#define HAWATCH_BMC_TYPES_H

#include <stdint.h>

#include "ipmi.h"

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

/*
 * The confirming read after a power change: soon enough that power-off ->
 * fenced takes about one poll plus two short rounds, long enough for a
 * round to snapshot the first reading and for a power supply's reading to
 * settle (the fence read-back uses 250 ms for the same reason).
 */
#define BMC_CONFIRM_DELAY_MS	200

/* Counters since bmc_pool_new() (bmc_pool_stats). */
struct bmc_pool_stats {
	uint64_t	opens;		/* session handshakes started */
	uint64_t	open_failures;
	uint64_t	polls;		/* status polls finished */
	uint64_t	polls_failed;
	uint64_t	reads_reused;	/* Get Chassis Status over a kept
					 * session (polls and fences) */
	uint64_t	reopen_idle;	/* re-opened: idle past the window */
	uint64_t	reopen_error;	/* re-opened: a kept session failed */
	uint64_t	poll_us;	/* wall time inside polls, summed */
	uint64_t	confirms;	/* confirming reads after a change */
	uint64_t	wakes;		/* wake fd signals */
	uint64_t	fences;		/* fence attempts finished */
	uint64_t	sessions_open;	/* kept sessions open now */
};

#endif
