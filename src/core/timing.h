/*
 * timing.h -- every timing knob of the decision core, its default, its
 * reason, and the derived values (pure calc_*() functions).
 *
 * All durations are milliseconds on hawatch's own monotonic clock.  No
 * host clock and no NFS server clock is ever compared with it: liveness
 * is "the heartbeat file CHANGED", stamped with hawatch's clock at the
 * tick that saw the change (core.h).
 *
 * The config loader fills struct core_policy from these defaults; the
 * tests and the simulator set a short agent interval (1 s) and matching
 * suspect/dead times, which core_policy_check() accepts as long as the
 * derived floors below hold.
 *
 * ---------------------------------------------------------------------
 * Timeline 1: a host loses power (defaults; tick = bmc poll = 1 s), and
 * hawatch has a libvirt endpoint for it (sweep.uri_template with {ip})
 *
 *   T+0      host H loses power.  Its heartbeat writes stop and its BMC,
 *            on standby power, reads "off" from now on.
 *   T+0..1   BMC poll reads off (F): off run 1.  The reading changed, so
 *            the BMC pool wakes the daemon, which runs a round at once
 *            (daemon.c, not at the next tick).  Nothing happens: one
 *            reading is not proof (S2).  The round starts a libvirt
 *            probe of H (corroborate.c), bounded by corroborate_timeout;
 *            a powered-off host's libvirt refuses at once, and the
 *            probe's end wakes another round.
 *   F+0.2    the confirming read (BMC_CONFIRM_DELAY_MS after the round
 *            that saw F, fence/bmc_pool.h) reads off again (a new
 *            reading, power_seq moved): off run 2; it wakes a round,
 *            which finds the probe silent: the run is corroborated.
 *              core.transition host=H from=alive to=fenced
 *                              why=power_off_confirmed
 *            The leader executes the same round's ACT_RECONCILE:
 *              reconcile.done host=H
 *   Worst case power-off -> fenced: calc_poweroff_to_fenced_ms()
 *   = bmc_poll + confirm delay + the rounds' own durations (a round
 *   woken while one runs starts when it ends); measured p99 in
 *   bench/failover.sh.  Without the wake-ups (a wake lost, or a round
 *   slower than the confirm delay) it falls back to the periodic path:
 *   2 x bmc_poll + tick (+ up to one corroborate_timeout when the probe
 *   ends after the second reading).  No heartbeat timeout is waited
 *   for: a corroborated BMC that reads off twice is a positive death
 *   signal.
 *
 * Timeline 4: the same power loss without a libvirt endpoint (the cost
 * of the BMC trust rule, guard_bmc.c: about one agent heartbeat interval)
 *
 *   T+0..1   first off reading (F); nothing happens.
 *   T+1..2   second off reading: not corroborated yet.
 *              core.transition host=H from=alive to=suspect
 *                              why=bmc_off_unconfirmed
 *   F+60+1   H's heartbeat stayed unchanged for agent_hb_interval plus
 *            one tick after F (a running host would have written):
 *              core.transition host=H from=suspect to=fenced
 *                              why=power_off_confirmed
 *   Worst case power-off -> fenced: calc_poweroff_no_endpoint_ms()
 *   = bmc_poll + interval + tick = 62 s.  A heartbeat change two ticks
 *   or more after F, with the BMC still reading off two readings
 *   (2 x bmc_poll) later, instead raises bmc_contradiction: the BMC is
 *   not trusted again until an operator clears it (hawatch alerts clear).
 *
 * Timeline 2: a host hangs (kernel hang; BMC keeps reading "on")
 *
 *   T+0      last heartbeat change seen on every pool of H.
 *   T+60     the agent's next write is due (kvm.heartbeat.update.
 *            frequency); nothing lands.  Nothing logged.
 *   T+90     suspect_after elapsed:
 *              core.transition host=H from=alive to=suspect why=hb_stale
 *   T+150    dead_after elapsed, and S1 holds (every pool of H readable,
 *            H's reading HB_OK but unchanged, another host still
 *            advancing on each pool), no storm, startup grace over,
 *            this instance is the leader:
 *              core.transition host=H from=suspect to=dead why=hb_dead
 *              core.transition host=H from=dead to=fencing why=hb_dead
 *              fence.requested host=H attempt=1 evidence={...}
 *              fence.start host=H (the BMC worker begins)
 *   T+150..170  the executor powers H off and reads it back, bounded by
 *            fence_timeout:
 *              fence.done host=H result=off_confirmed
 *              core.transition host=H from=fencing to=fenced
 *                              why=fence_off_confirmed
 *              reconcile.done host=H
 *   If the executor could not confirm but the off landed anyway, two
 *   BMC polls confirm it (S2).  Worst case hang -> fenced:
 *   calc_hang_to_fenced_ms() = dead_after + fence_timeout + 2 x bmc_poll
 *   = 172 s.
 *
 * Timeline 3: host and BMC lose power together (shared supply), with
 * the opt-in self-fence (self_fence_after_ms = 420000)
 *
 *   T+150    dead; fence.start attempt=1; T+170 fence.done
 *            result=failed_unknown; core.transition dead (fence_failed)
 *   T+200    quiet time over: attempt 2 ... T+220 failed
 *   T+250    attempt 3 ... T+270 failed, budget spent, BMC unreachable:
 *              core.transition host=H from=dead to=unfenceable
 *                              why=bmc_unreachable       (ACT_ALERT)
 *   T+420    heartbeat unchanged for self_fence_after; the CloudStack
 *            agent on H has rebooted H by now if it was running at all
 *            (calc_self_fence_min_ms() = 415 s):
 *              core.transition host=H from=unfenceable to=fenced
 *                              why=self_fence_elapsed
 *              reconcile.done host=H
 *
 * The state machine itself: docs/states.md.
 * ---------------------------------------------------------------------
 */
#ifndef HAWATCH_TIMING_H
#define HAWATCH_TIMING_H

#include <stdint.h>

/*
 * CloudStack agent heartbeat timings (agent.properties on each KVM host;
 * reference/cloudstack.md section 4.1).  hawatch cannot read them from
 * the hosts: the operator states them in hawatch.conf if they differ.
 */
#define AGENT_HB_INTERVAL_MS_DEFAULT	 60000	/* kvm.heartbeat.update.frequency */
#define AGENT_HB_WRITE_TIMEOUT_MS_DEFAULT 60000	/* heartbeat.update.timeout */
#define AGENT_HB_MAX_TRIES_DEFAULT	     5	/* kvm.heartbeat.update.max.tries */
#define AGENT_HB_RETRY_SLEEP_MS_DEFAULT	 10000	/* kvm.heartbeat.update.retry.sleep */
#define AGENT_REBOOT_DELAY_MS		  5000	/* kvmheartbeat.sh -c: sync, sleep 5,
						   then sysrq 'b' */

/*
 * Liveness.  A heartbeat is expected to change once per agent interval;
 * a write that hangs lands up to one write timeout late.
 */
#define SUSPECT_AFTER_MS_DEFAULT	 90000	/* 1.5 x the 60 s interval: one write
						   missed by more than half an
						   interval; display only, never
						   an action by itself */
#define DEAD_AFTER_MS_DEFAULT		150000	/* 2.5 x the 60 s interval (the
						   factor CloudStack's ping.timeout
						   uses); also the derived floor
						   suspect_after + interval, and
						   above interval + write timeout
						   (a slow but healthy writer) */
#define DEAD_AFTER_MS_MIN		  2000	/* below 2 s, one or two ticks of
						   jitter would decide a death */
#define STARTUP_GRACE_MS_DEFAULT	120000	/* interval + write timeout: by then
						   every live host completed a
						   write that hawatch saw change,
						   so staleness estimated from
						   mtimes at start is confirmed */

/*
 * Fencing.
 */
#define BMC_POLL_INTERVAL_MS_DEFAULT	  1000	/* two off readings (S2) within 2 s
						   of a power loss */
#define FENCE_TIMEOUT_MS_DEFAULT	 20000	/* off + read-back on one BMC; IPMI
						   sessions answer in < 1 s, a
						   chassis off settles in seconds */
#define FENCE_STUCK_FACTOR		     2	/* FENCING with no result for this
						   many fence timeouts counts as a
						   failed attempt (executor lost) */
#define FENCE_QUIET_MS_DEFAULT		 30000	/* between attempts on one host:
						   lets a slow off land and the BMC
						   poller see it (oVirt uses 180 s
						   between power operations) */
#define FENCE_MAX_ATTEMPTS_DEFAULT	     3	/* then alert a human; never loop
						   (Pacemaker stonith-max-attempts
						   is 10, with shorter attempts) */
#define SELF_FENCE_AFTER_MS_DEFAULT	     0	/* off: trusting a host to have
						   rebooted itself is opt-in */

/*
 * Cluster guards.
 */
#define STORM_GUARD_ENABLED_DEFAULT	     1	/* S3 is on unless turned off */
#define STORM_FRACTION_DEFAULT		   500	/* per mille: storm when more than
						   half of a cluster's eligible
						   hosts are stale at once (oVirt
						   uses 50%) */
#define STORM_MIN_STALE			     2	/* one stale host is the ordinary
						   case hawatch exists for, never
						   a storm */
#define CLUSTER_FENCE_MAX_DEFAULT	     0	/* off: the storm guard already
						   bounds a cascade; a site that
						   wants a hard cap per rearm_after
						   (e.g. 1 or 2 hosts) sets it */
#define REARM_AFTER_MS_DEFAULT		600000	/* a host back after a fence must
						   look healthy this long before
						   it can be fenced again (CloudStack
						   kvm.ha.recover.wait.period) */

#define TICK_MS_DEFAULT			  1000	/* supervisor period; equal to the
						   BMC poll so each tick can see a
						   new reading */

/*
 * Derived values.  Pure functions of their arguments.
 */

/*
 * Shortest self_fence_after that is safe: from the last heartbeat change
 * the agent waits up to one interval for the next write, then makes
 * max_tries attempts, each bounded by the write timeout and followed by
 * the retry sleep, then runs kvmheartbeat.sh -c, which reboots after
 * AGENT_REBOOT_DELAY_MS.  Defaults: 60 + 5 x (60 + 10) + 5 = 415 s.
 * hawatch's age of a heartbeat is never larger than the true age (it is
 * stamped when hawatch sees the change, or estimated from an mtime lag
 * that is a lower bound), so the bound holds on hawatch's clock too.
 */
static inline uint64_t
calc_self_fence_min_ms(uint64_t interval_ms, uint64_t write_timeout_ms,
    uint32_t max_tries, uint64_t retry_sleep_ms)
{
	return interval_ms + (uint64_t)max_tries *
	    (write_timeout_ms + retry_sleep_ms) + AGENT_REBOOT_DELAY_MS;
}

/*
 * Shortest dead_after that keeps S1's "another host still advances"
 * test sound during a pool-wide stall: when every write stops at T, the
 * first host reaches dead_after no earlier than T + dead_after - interval,
 * and by then every other host is older than suspect_after, so none of
 * them counts as advancing.  It must also exceed interval + write timeout
 * so a healthy host behind slow storage never reads as dead.
 */
static inline uint64_t
calc_dead_after_min_ms(uint64_t suspect_after_ms, uint64_t interval_ms,
    uint64_t write_timeout_ms)
{
	uint64_t	a = suspect_after_ms + interval_ms;
	uint64_t	b = interval_ms + write_timeout_ms;
	uint64_t	m = a > b ? a : b;

	return m > DEAD_AFTER_MS_MIN ? m : DEAD_AFTER_MS_MIN;
}

/* Startup grace: every live host has written (and been seen) once. */
static inline uint64_t
calc_startup_grace_ms(uint64_t interval_ms, uint64_t write_timeout_ms)
{
	return interval_ms + write_timeout_ms;
}

/*
 * Power-off -> fenced, event-driven (Timeline 1): the first off reading
 * within one poll, the confirming read confirm_ms after the round that saw
 * it, and two woken rounds of round_ms each (their own duration, not the
 * tick interval).
 */
static inline uint64_t
calc_poweroff_to_fenced_ms(uint64_t bmc_poll_ms, uint64_t confirm_ms,
    uint64_t round_ms)
{
	return bmc_poll_ms + confirm_ms + 2 * round_ms;
}

/*
 * Power-off -> fenced without a libvirt endpoint: the first off reading
 * within one poll, then the heartbeat unchanged for the agent interval
 * plus the tick that sees a change late (guard_bmc.c).
 */
static inline uint64_t
calc_poweroff_no_endpoint_ms(uint64_t bmc_poll_ms, uint64_t interval_ms,
    uint64_t tick_ms)
{
	return bmc_poll_ms + interval_ms + tick_ms;
}

/* Hang -> fenced (and reconciled the same tick), worst case. */
static inline uint64_t
calc_hang_to_fenced_ms(uint64_t dead_after_ms, uint64_t fence_timeout_ms,
    uint64_t bmc_poll_ms)
{
	return dead_after_ms + fence_timeout_ms + 2 * bmc_poll_ms;
}

/* A FENCING host with no result after this long counts as failed. */
static inline uint64_t
calc_fence_stuck_ms(uint64_t fence_timeout_ms)
{
	return FENCE_STUCK_FACTOR * fence_timeout_ms;
}

/*
 * Hang -> unfenceable alert when every attempt fails: dead_after, then
 * attempts of up to fence_timeout each, separated by the quiet time.
 * Defaults: 150 + 3 x 20 + 2 x 30 = 270 s.
 */
static inline uint64_t
calc_unfenceable_after_ms(uint64_t dead_after_ms, uint32_t attempts,
    uint64_t fence_timeout_ms, uint64_t quiet_ms)
{
	if (attempts == 0)
		return dead_after_ms;
	return dead_after_ms + attempts * fence_timeout_ms +
	    (uint64_t)(attempts - 1) * quiet_ms;
}

/*
 * The tick thread's database work per round (daemon.db_tick_budget):
 * no statement starts after the budget is spent (db_set_deadline(),
 * src/db/db.c); one already running is bounded by the read/write and
 * lock-wait timeouts (5 s each by default).  A database brownout -- every
 * statement slow but none failing, or every one waiting out
 * lock_wait_timeout -- would otherwise stack statement after statement
 * (leadership, inventory, the reconcile transaction, audit rows) until
 * the loop missed WatchdogSec (30 s, init/hawatch.service) and systemd
 * killed a healthy supervisor.  Worst round: heartbeat reads (2 s) +
 * budget (5 s) + one statement's timeout (5 s) = 12 s, under half of
 * WatchdogSec, as sanlock keeps its renewal well inside its watchdog's
 * fire time: one slow round never decides a restart.  Work cut short is
 * retried next round (writes roll back; the round's database is "down").
 */
#define DB_TICK_BUDGET_MS_DEFAULT	5000

#endif
