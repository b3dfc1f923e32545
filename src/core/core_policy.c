/*
 * core_policy.c -- the decision core's policy: defaults (timing.h gives
 * each one's reason) and the consistency check every loader runs.  Pure.
 */
#include <string.h>

#include "core.h"
#include "timing.h"

void
core_policy_defaults(struct core_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->suspect_after_ms = SUSPECT_AFTER_MS_DEFAULT;
	p->dead_after_ms = DEAD_AFTER_MS_DEFAULT;
	p->startup_grace_ms = STARTUP_GRACE_MS_DEFAULT;
	p->fence_timeout_ms = FENCE_TIMEOUT_MS_DEFAULT;
	p->fence_quiet_ms = FENCE_QUIET_MS_DEFAULT;
	p->fence_max_attempts = FENCE_MAX_ATTEMPTS_DEFAULT;
	p->storm_guard_enabled = STORM_GUARD_ENABLED_DEFAULT;
	p->storm_fraction = STORM_FRACTION_DEFAULT;
	p->self_fence_after_ms = SELF_FENCE_AFTER_MS_DEFAULT;
	p->rearm_after_ms = REARM_AFTER_MS_DEFAULT;
	p->cluster_fence_max = CLUSTER_FENCE_MAX_DEFAULT;
	p->bmc_poll_interval_ms = BMC_POLL_INTERVAL_MS_DEFAULT;
	p->tick_ms = TICK_MS_DEFAULT;
	p->agent_hb_interval_ms = AGENT_HB_INTERVAL_MS_DEFAULT;
	p->agent_hb_write_timeout_ms = AGENT_HB_WRITE_TIMEOUT_MS_DEFAULT;
	p->agent_hb_max_tries = AGENT_HB_MAX_TRIES_DEFAULT;
	p->agent_hb_retry_sleep_ms = AGENT_HB_RETRY_SLEEP_MS_DEFAULT;
}

uint64_t
core_self_fence_min_ms(const struct core_policy *p)
{
	return calc_self_fence_min_ms(p->agent_hb_interval_ms,
	    p->agent_hb_write_timeout_ms, p->agent_hb_max_tries,
	    p->agent_hb_retry_sleep_ms);
}

#define HOUR_MS		(3600ULL * 1000)

/* Agent timings and the liveness thresholds derived from them. */
static int
check_liveness(const struct core_policy *p, char *err)
{
	uint64_t	min;

	if (p->agent_hb_interval_ms < 100 ||
	    p->agent_hb_interval_ms > HOUR_MS) {
		set_err(err, "policy: agent_hb_interval_ms %llu outside "
		    "100..3600000", (unsigned long long)p->agent_hb_interval_ms);
		return -1;
	}
	if (p->agent_hb_max_tries < 1 || p->agent_hb_max_tries > 100) {
		set_err(err, "policy: agent_hb_max_tries %u outside 1..100",
		    p->agent_hb_max_tries);
		return -1;
	}
	if (p->agent_hb_write_timeout_ms > HOUR_MS ||
	    p->agent_hb_retry_sleep_ms > HOUR_MS) {
		set_err(err, "policy: agent write timeout / retry sleep above "
		    "one hour");
		return -1;
	}
	if (p->suspect_after_ms <= p->agent_hb_interval_ms) {
		set_err(err, "policy: suspect_after_ms %llu must exceed the "
		    "agent heartbeat interval %llu (healthy hosts would read "
		    "suspect between writes)",
		    (unsigned long long)p->suspect_after_ms,
		    (unsigned long long)p->agent_hb_interval_ms);
		return -1;
	}
	min = calc_dead_after_min_ms(p->suspect_after_ms,
	    p->agent_hb_interval_ms, p->agent_hb_write_timeout_ms);
	if (p->dead_after_ms < min || p->dead_after_ms > 24 * HOUR_MS) {
		set_err(err, "policy: dead_after_ms %llu below the floor %llu "
		    "(max of suspect_after + interval, interval + write "
		    "timeout, %u) or above one day",
		    (unsigned long long)p->dead_after_ms,
		    (unsigned long long)min, DEAD_AFTER_MS_MIN);
		return -1;
	}
	return 0;
}

/* Fence attempts: grace, timeout, quiet time, budget, storm, BMC poll. */
static int
check_fencing(const struct core_policy *p, char *err)
{
	if (p->startup_grace_ms > 24 * HOUR_MS) {
		set_err(err, "policy: startup_grace_ms above one day");
		return -1;
	}
	if (p->fence_timeout_ms == 0 || p->fence_timeout_ms > HOUR_MS) {
		set_err(err, "policy: fence_timeout_ms %llu outside 1..3600000",
		    (unsigned long long)p->fence_timeout_ms);
		return -1;
	}
	if (p->fence_quiet_ms > 24 * HOUR_MS) {
		set_err(err, "policy: fence_quiet_ms above one day");
		return -1;
	}
	if (p->fence_max_attempts < 1 || p->fence_max_attempts > 100) {
		set_err(err, "policy: fence_max_attempts %u outside 1..100",
		    p->fence_max_attempts);
		return -1;
	}
	if (p->storm_fraction < 1 || p->storm_fraction > 1000) {
		set_err(err, "policy: storm_fraction %u outside 1..1000 "
		    "(per mille)", p->storm_fraction);
		return -1;
	}
	if (p->bmc_poll_interval_ms == 0 ||
	    p->bmc_poll_interval_ms > p->dead_after_ms) {
		set_err(err, "policy: bmc_poll_interval_ms %llu outside "
		    "1..dead_after_ms",
		    (unsigned long long)p->bmc_poll_interval_ms);
		return -1;
	}
	if (p->tick_ms == 0 || p->tick_ms > 60000) {
		set_err(err, "policy: tick_ms %llu outside 1..60000",
		    (unsigned long long)p->tick_ms);
		return -1;
	}
	return 0;
}

/* After a fence: re-arming, and the opt-in self-fence floor. */
static int
check_after_fence(const struct core_policy *p, char *err)
{
	uint64_t	min;

	if (p->rearm_after_ms < p->suspect_after_ms ||
	    p->rearm_after_ms > 7 * 24 * HOUR_MS) {
		set_err(err, "policy: rearm_after_ms %llu must be at least "
		    "suspect_after_ms %llu and at most a week",
		    (unsigned long long)p->rearm_after_ms,
		    (unsigned long long)p->suspect_after_ms);
		return -1;
	}
	min = core_self_fence_min_ms(p);
	if (p->self_fence_after_ms != 0 && (p->self_fence_after_ms < min ||
	    p->self_fence_after_ms < p->dead_after_ms)) {
		set_err(err, "policy: self_fence_after_ms %llu below the "
		    "minimum %llu (agent interval + max_tries x (write "
		    "timeout + retry sleep) + %u ms reboot delay); 0 turns "
		    "self-fence off", (unsigned long long)p->self_fence_after_ms,
		    (unsigned long long)min, AGENT_REBOOT_DELAY_MS);
		return -1;
	}
	if (p->self_fence_after_ms > 7 * 24 * HOUR_MS) {
		set_err(err, "policy: self_fence_after_ms above a week");
		return -1;
	}
	return 0;
}

int
core_policy_check(const struct core_policy *p, char *err)
{
	if (check_liveness(p, err) == -1 || check_fencing(p, err) == -1 ||
	    check_after_fence(p, err) == -1)
		return -1;
	return 0;
}
