/*
 * policy.c -- the decision core's policy from the config file.
 *
 * One place maps struct config (what the operator wrote) to struct
 * core_policy (what the core decides with), so config-check, the config
 * loader's validation and the daemon all agree.
 */
#include "policy.h"

void
policy_from_config(const struct config *c, struct core_policy *p)
{
	core_policy_defaults(p);
	p->dead_after_ms = c->daemon.dead_after_ms;
	/* suspect once a heartbeat is half a write interval late (status only) */
	p->suspect_after_ms = c->daemon.agent_hb_interval_ms +
	    c->daemon.agent_hb_interval_ms / 2;
	p->startup_grace_ms = c->daemon.startup_grace_ms;
	p->fence_timeout_ms = c->daemon.fence_timeout_ms;
	p->fence_quiet_ms = c->daemon.fence_quiet_ms;
	p->fence_max_attempts = c->daemon.fence_max_attempts;
	p->storm_guard_enabled = c->daemon.storm_guard;
	p->storm_fraction = c->daemon.storm_fraction_permille;
	p->self_fence_after_ms = c->daemon.self_fence_after_ms;
	p->rearm_after_ms = c->daemon.rearm_after_ms;
	p->cluster_fence_max = c->daemon.cluster_fence_max;
	p->bmc_poll_interval_ms = c->daemon.bmc_poll_interval_ms;
	p->tick_ms = c->daemon.tick_interval_ms;
	p->agent_hb_interval_ms = c->daemon.agent_hb_interval_ms;
	p->agent_hb_write_timeout_ms = c->daemon.agent_hb_timeout_ms;
	p->agent_hb_max_tries = c->daemon.agent_hb_max_tries;
	p->agent_hb_retry_sleep_ms = c->daemon.agent_hb_retry_sleep_ms;
}
