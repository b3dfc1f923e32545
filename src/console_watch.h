/*
 * console_watch.h -- the daemon's side of console capture (issue 16): which
 * host has a SOL capture running, when to start, stop and store it.
 *
 * Called by the executor (src/act.c) through its BMC function table
 * (act_bmc_real: console_transition, console_release, console_collect):
 *   act_run(), per core event on the leader: console_watch_transition()
 *                            starts a capture
 *                            when a host turns SUSPECT (or DEAD, FENCING:
 *                            a DEAD host may be fenced in the same tick,
 *                            too soon to read anything), drops it when the
 *                            host is healthy again or ignored;
 *   do_fence(), after the fence_requested audit, before the request:
 *                            console_watch_before_fence() asks the capture
 *                            to release SOL and waits at most
 *                            CONSOLE_RELEASE_WAIT_MS, so the session is
 *                            closed before the fence reads power back;
 *   record_fence_result():   console_watch_fence_result() collects (bounded
 *                            by CONSOLE_COLLECT_WAIT_MS), stores the bytes
 *                            in console_log and appends
 *                            "console":{"id":..,"bytes":..} to the evidence.
 *   tick_run() (src/tick.c), every tick the instance does not lead:
 *                            console_watch_standby() ends the captures it
 *                            still runs, so that a standby (or a leader
 *                            that lost its lock) holds no SOL session.
 * status.c reads console_watch_bytes() for the status file; daemon.c
 * frees it all with console_watch_free() (declared in daemon.h).  Nothing here
 * can hold up a fence longer than the release wait; every SOL failure is a
 * one-line log event (console.capture_failed), never an error of the tick.
 */
#ifndef HAWATCH_CONSOLE_WATCH_H
#define HAWATCH_CONSOLE_WATCH_H

#include <stdint.h>

#include "core.h"
#include "sbuf.h"

/*
 * The fence waits this long at most for the capture to close its SOL
 * session; closing is local (the engine sends Deactivate Payload and
 * Close Session without waiting for replies), about a millisecond.
 */
#define CONSOLE_RELEASE_WAIT_MS	250
/*
 * The fence result waits this long at most for the capture thread to hand
 * over its bytes; it was stopped at the fence request, at least two power
 * read-backs (500 ms) earlier.
 */
#define CONSOLE_COLLECT_WAIT_MS	500

struct daemon;
struct console_watch;

void	console_watch_transition(struct daemon *, uint64_t host,
	    enum host_state to);
void	console_watch_before_fence(struct daemon *, uint64_t host);
void	console_watch_fence_result(struct daemon *, uint64_t host,
	    struct sbuf *evidence);
void	console_watch_standby(struct daemon *);
uint64_t console_watch_bytes(struct daemon *, uint64_t host);

#endif
