/*
 * names.c -- total *_name() functions for the core's enums (core.h,
 * core_types.h, hb_status.h).
 *
 * Every enum of core.h maps to one stable lowercase token.  Logs
 * (core.transition ... why=<token>), `hawatch status` and the scenario
 * goldens (tests/scenarios/<*>/expect) print these, so renaming one is
 * an interface change.  Values out of range give "invalid".
 */
#include <string.h>

#include "core.h"

const char *
hb_status_name(enum hb_status v)
{
	switch (v) {
	case HB_OK:
		return "ok";
	case HB_UNKNOWN:
		return "unknown";
	case HB_GARBAGE:
		return "garbage";
	case HB_MISSING:
		return "missing";
	}
	return "invalid";
}

const char *
pwr_obs_name(enum pwr_obs v)
{
	switch (v) {
	case PWR_ON:
		return "on";
	case PWR_OFF:
		return "off";
	case PWR_UNKNOWN:
		return "unknown";
	case PWR_AUTH_ERROR:
		return "auth_error";
	case PWR_NO_BMC:
		return "no_bmc";
	}
	return "invalid";
}

const char *
probe_obs_name(enum probe_obs v)
{
	switch (v) {
	case PROBE_NO_ENDPOINT:
		return "no_endpoint";
	case PROBE_NONE:
		return "none";
	case PROBE_ANSWERED:
		return "answered";
	case PROBE_SILENT:
		return "silent";
	}
	return "invalid";
}

const char *
bmc_identity_name(enum bmc_identity v)
{
	switch (v) {
	case BMC_ID_UNKNOWN:
		return "unknown";
	case BMC_ID_MATCH:
		return "match";
	case BMC_ID_MISMATCH:
		return "mismatch";
	}
	return "invalid";
}

const char *
fence_result_name(enum fence_result v)
{
	switch (v) {
	case FENCE_NONE:
		return "none";
	case FENCE_RUNNING:
		return "running";
	case FENCE_OFF_CONFIRMED:
		return "off_confirmed";
	case FENCE_FAILED_UNKNOWN:
		return "failed_unknown";
	case FENCE_AUTH_ERROR:
		return "auth_error";
	case FENCE_NOT_STARTED:
		return "not_started";
	}
	return "invalid";
}

const char *
ign_reason_name(enum ign_reason v)
{
	switch (v) {
	case IGN_NONE:
		return "none";
	case IGN_MAINTENANCE:
		return "maintenance";
	case IGN_DISABLED:
		return "disabled";
	case IGN_OPERATOR:
		return "operator";
	case IGN_REMOVED:
		return "removed";
	}
	return "invalid";
}

const char *
host_state_name(enum host_state v)
{
	switch (v) {
	case HS_UNKNOWN:
		return "unknown";
	case HS_ALIVE:
		return "alive";
	case HS_SUSPECT:
		return "suspect";
	case HS_DEAD:
		return "dead";
	case HS_FENCING:
		return "fencing";
	case HS_FENCED:
		return "fenced";
	case HS_UNFENCEABLE:
		return "unfenceable";
	case HS_RETURNED:
		return "returned";
	case HS_IGNORED:
		return "ignored";
	}
	return "invalid";
}

const char *
act_kind_name(enum act_kind v)
{
	switch (v) {
	case ACT_FENCE:
		return "fence";
	case ACT_RECONCILE:
		return "reconcile";
	case ACT_ALERT:
		return "alert";
	case ACT_CLEAR_ALERT:
		return "clear_alert";
	case ACT_REPORT:
		return "report";
	}
	return "invalid";
}

/* A table: the act_why list is long.  Every value has an entry
 * (check_host_fsm.c tests that no name is "invalid"). */
static const char *const act_why_names[WHY_LAST + 1] = {
	[WHY_NONE] = "none",
	[WHY_HB_ADVANCING] = "hb_advancing",
	[WHY_HB_STALE] = "hb_stale",
	[WHY_HB_DEAD] = "hb_dead",
	[WHY_HB_UNKNOWN] = "hb_unknown",
	[WHY_HB_GARBAGE] = "hb_garbage",
	[WHY_HB_MISSING] = "hb_missing",
	[WHY_NO_EVIDENCE] = "no_evidence",
	[WHY_NO_POOLS] = "no_pools",
	[WHY_POOL_UNREADABLE] = "pool_unreadable",
	[WHY_POOL_STALL] = "pool_stall",
	[WHY_NO_PEER] = "no_peer",
	[WHY_NOT_LEADER] = "not_leader",
	[WHY_STARTUP_GRACE] = "startup_grace",
	[WHY_STORM_GUARD] = "storm_guard",
	[WHY_FENCE_QUIET] = "fence_quiet",
	[WHY_FENCE_FAILED] = "fence_failed",
	[WHY_FENCE_TIMEOUT] = "fence_timeout",
	[WHY_FENCE_BUDGET_EXHAUSTED] = "fence_budget_exhausted",
	[WHY_FENCE_OFF_CONFIRMED] = "fence_off_confirmed",
	[WHY_POWER_OFF_CONFIRMED] = "power_off_confirmed",
	[WHY_OPERATOR_CONFIRMED] = "operator_confirmed",
	[WHY_SELF_FENCE_ELAPSED] = "self_fence_elapsed",
	[WHY_BMC_AUTH] = "bmc_auth",
	[WHY_BMC_UNREACHABLE] = "bmc_unreachable",
	[WHY_BMC_RECOVERED] = "bmc_recovered",
	[WHY_BMC_OFF_UNCONFIRMED] = "bmc_off_unconfirmed",
	[WHY_BMC_CONTRADICTION] = "bmc_contradiction",
	[WHY_BMC_IDENTITY_MISMATCH] = "bmc_identity_mismatch",
	[WHY_HB_RETURNED] = "hb_returned",
	[WHY_POWER_RETURNED] = "power_returned",
	[WHY_DEAD_BEFORE_REARM] = "dead_before_rearm",
	[WHY_REARMED] = "rearmed",
	[WHY_VMS_ACTIVE] = "vms_active",
	[WHY_IGN_MAINTENANCE] = "ign_maintenance",
	[WHY_IGN_DISABLED] = "ign_disabled",
	[WHY_IGN_OPERATOR] = "ign_operator",
	[WHY_IGN_REMOVED] = "ign_removed",
	[WHY_UNIGNORED] = "unignored",
	[WHY_HOST_GONE] = "host_gone",
	[WHY_DUPLICATE_IP] = "duplicate_ip",
	[WHY_CLUSTER_FENCE_BUDGET] = "cluster_fence_budget",
	[WHY_SUSPECT_TOO_LONG] = "suspect_too_long",
	[WHY_AUDIT_FAILED] = "audit_failed",
};

const char *
act_why_name(enum act_why v)
{
	if ((unsigned)v > WHY_LAST || act_why_names[v] == NULL)
		return "invalid";
	return act_why_names[v];
}

const char *
fence_source_name(enum fence_source s)
{
	switch (s) {
	case FS_NONE:
		return "none";
	case FS_OPERATOR:
		return "operator";
	case FS_BMC:
		return "bmc";
	case FS_SELF_FENCE:
		return "self-fence";
	}
	return "invalid";
}

int
fence_source_parse(const char *s, enum fence_source *out)
{
	enum fence_source	f;

	for (f = FS_NONE; f <= FS_SELF_FENCE; f++)
		if (strcmp(s, fence_source_name(f)) == 0) {
			*out = f;
			return 0;
		}
	return -1;
}
