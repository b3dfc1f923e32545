/*
 * policy_keys.c -- the `daemon` group of hawatch.conf: the decision core's
 * timings and guards, the daemon loop's deadlines and its identity, with
 * defaults from timing.h / defaults.h and the rules across keys.
 */
#include <stdio.h>

#include "config.h"
#include "config_table.h"
#include "defaults.h"
#include "policy.h"
#include "util.h"

#define DUR(n, f, lo, hi, d, dc) { .name = n, .type = CFGT_DURATION, \
	CFG_AT(daemon_config, f), .min = lo, .max = hi, .def = d, .doc = dc }
#define NUM(n, t, f, lo, hi, d, dc) { .name = n, .type = t, \
	CFG_AT(daemon_config, f), .min = lo, .max = hi, .def = d, .doc = dc }

static const struct cfg_key daemon_keys[] = {
	DUR("tick_interval", tick_interval_ms, 50, 60000, TICK_MS_DEFAULT,
	    "one observe -> decide -> act round"),
	DUR("dead_after", dead_after_ms, 1000, MS_DAY, DEAD_AFTER_MS_DEFAULT,
	    "a heartbeat unchanged this long while others beat: dead"),
	DUR("startup_grace", startup_grace_ms, 0, MS_DAY,
	    STARTUP_GRACE_MS_DEFAULT, "no fencing this soon after start"),
	DUR("fence_quiet", fence_quiet_ms, 0, MS_DAY, FENCE_QUIET_MS_DEFAULT,
	    "quiet time between fence attempts on one host"),
	NUM("fence_max_attempts", CFGT_UINT, fence_max_attempts, 1, 100,
	    FENCE_MAX_ATTEMPTS_DEFAULT, "attempts before unfenceable"),
	DUR("fence_timeout", fence_timeout_ms, 1000, MS_HOUR,
	    FENCE_TIMEOUT_MS_DEFAULT, "power off and read back within this"),
	DUR("bmc_poll_interval", bmc_poll_interval_ms, 100, MS_HOUR,
	    BMC_POLL_INTERVAL_MS_DEFAULT, "every BMC's power is read this often"),
	NUM("storm_guard", CFGT_BOOL, storm_guard, 0, 1,
	    STORM_GUARD_ENABLED_DEFAULT, "no fencing when many hosts go stale "
	    "at once"),
	NUM("storm_fraction", CFGT_FRACTION, storm_fraction_permille, 1, 1000,
	    STORM_FRACTION_DEFAULT, "fraction of a cluster that makes a storm"),
	DUR("self_fence_after", self_fence_after_ms, 0, MS_DAY,
	    SELF_FENCE_AFTER_MS_DEFAULT, "trust the agent's self-reboot after "
	    "this long (0: off)"),
	DUR("rearm_after", rearm_after_ms, 0, MS_DAY, REARM_AFTER_MS_DEFAULT,
	    "a host back after a fence is fenceable again after this long"),
	NUM("cluster_fence_max", CFGT_UINT, cluster_fence_max, 0, 1000,
	    CLUSTER_FENCE_MAX_DEFAULT, "hosts fenced per cluster per "
	    "rearm_after (0: no limit)"),
	DUR("heartbeat_read_deadline", hb_read_deadline_ms, 100, 60000,
	    HB_READ_DEADLINE_MS_DEFAULT, "one round of heartbeat reads"),
	DUR("db_tick_budget", db_tick_budget_ms, 100, 60000,
	    DB_TICK_BUDGET_MS_DEFAULT, "no database statement of a round "
	    "starts after this long (keep well under WatchdogSec/2)"),
	DUR("leader_retry", leader_retry_ms, 100, 60000,
	    LEADER_RETRY_MS_DEFAULT, "how often a standby asks to lead"),
	DUR("corroborate_timeout", corroborate_timeout_ms, 100, 60000,
	    CORROBORATE_TIMEOUT_MS_DEFAULT, "a host whose BMC reads off must "
	    "not answer on libvirt within this"),
	{ .name = "status_file", .type = CFGT_STRING,
	    CFG_AT(daemon_config, status_file),
	    .sdef = "/run/hawatch/status.json",
	    .doc = "written each tick for `hawatch status`" },
	{ .name = "instance_name", .type = CFGT_STRING,
	    CFG_AT(daemon_config, instance_name), .sdef = "",
	    .doc = "names this instance in audit rows (empty: host name)" },
	DUR("agent_heartbeat_interval", agent_hb_interval_ms, 100, MS_HOUR,
	    AGENT_HB_INTERVAL_MS_DEFAULT, "kvm.heartbeat.update.frequency"),
	DUR("agent_heartbeat_timeout", agent_hb_timeout_ms, 100, MS_HOUR,
	    AGENT_HB_WRITE_TIMEOUT_MS_DEFAULT, "heartbeat.update.timeout"),
	NUM("agent_heartbeat_max_tries", CFGT_UINT, agent_hb_max_tries, 1, 100,
	    AGENT_HB_MAX_TRIES_DEFAULT, "kvm.heartbeat.update.max.tries"),
	DUR("agent_heartbeat_retry_sleep", agent_hb_retry_sleep_ms, 0, MS_HOUR,
	    AGENT_HB_RETRY_SLEEP_MS_DEFAULT, "kvm.heartbeat.update.retry.sleep"),
};

static int
daemon_check(const struct config *c, char *at, size_t atlen, char *err)
{
	const struct daemon_config	*d = &c->daemon;
	struct core_policy		 pol;
	uint64_t			 min;

	min = calc_self_fence_min_ms(d->agent_hb_interval_ms,
	    d->agent_hb_timeout_ms, d->agent_hb_max_tries,
	    d->agent_hb_retry_sleep_ms);
	if (d->self_fence_after_ms != 0 && d->self_fence_after_ms < min) {
		cfg_at(at, atlen, "daemon.self_fence_after");
		set_err(err, "daemon.self_fence_after = %llums is below %llums, "
		    "the latest the CloudStack agent reboots itself after "
		    "losing its heartbeat (interval + tries x (timeout + retry "
		    "sleep) + margin); it would declare a host off that may "
		    "still run", (unsigned long long)d->self_fence_after_ms,
		    (unsigned long long)min);
		return -1;
	}
	if (d->dead_after_ms <= d->agent_hb_interval_ms) {
		cfg_at(at, atlen, "daemon.dead_after");
		set_err(err, "daemon.dead_after (%llums) must exceed "
		    "daemon.agent_heartbeat_interval (%llums), or every host "
		    "would look dead between two writes",
		    (unsigned long long)d->dead_after_ms,
		    (unsigned long long)d->agent_hb_interval_ms);
		return -1;
	}
	policy_from_config(c, &pol);
	min = calc_dead_after_min_ms(pol.suspect_after_ms,
	    pol.agent_hb_interval_ms, pol.agent_hb_write_timeout_ms);
	if (d->dead_after_ms < min) {
		cfg_at(at, atlen, "daemon.dead_after");
		set_err(err, "daemon.dead_after = %llus is below its floor of "
		    "%llus, the larger of 2.5 x daemon.agent_heartbeat_interval "
		    "(%llus; a host is suspect after 1.5 intervals, and another "
		    "must still be seen advancing) and "
		    "daemon.agent_heartbeat_interval + "
		    "daemon.agent_heartbeat_timeout (%llus): raise "
		    "daemon.dead_after to at least %llus, or lower "
		    "daemon.agent_heartbeat_interval if the agents write more "
		    "often", (unsigned long long)d->dead_after_ms / 1000,
		    (unsigned long long)(min + 999) / 1000,
		    (unsigned long long)d->agent_hb_interval_ms / 1000,
		    (unsigned long long)(d->agent_hb_interval_ms +
		    d->agent_hb_timeout_ms) / 1000,
		    (unsigned long long)(min + 999) / 1000);
		return -1;
	}
	if (core_policy_check(&pol, err) == -1) {
		char	e[ERR_LEN];

		snprintf(e, sizeof(e), "%s", err);
		cfg_at(at, atlen, "daemon");
		set_err(err, "daemon: %s", e);
		return -1;
	}
	return 0;
}

const struct cfg_table daemon_config_table = {
	.name = "daemon", .keys = daemon_keys, .nkeys = NELEM(daemon_keys),
	.size = sizeof(struct daemon_config), .check = daemon_check,
};
