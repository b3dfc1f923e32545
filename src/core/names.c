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

const char *
act_why_name(enum act_why v)
{
	switch (v) {
	case WHY_NONE:
		return "none";
	case WHY_HB_ADVANCING:
		return "hb_advancing";
	case WHY_HB_STALE:
		return "hb_stale";
	case WHY_HB_DEAD:
		return "hb_dead";
	case WHY_HB_UNKNOWN:
		return "hb_unknown";
	case WHY_HB_GARBAGE:
		return "hb_garbage";
	case WHY_HB_MISSING:
		return "hb_missing";
	case WHY_NO_EVIDENCE:
		return "no_evidence";
	case WHY_NO_POOLS:
		return "no_pools";
	case WHY_POOL_UNREADABLE:
		return "pool_unreadable";
	case WHY_POOL_STALL:
		return "pool_stall";
	case WHY_NO_PEER:
		return "no_peer";
	case WHY_NOT_LEADER:
		return "not_leader";
	case WHY_STARTUP_GRACE:
		return "startup_grace";
	case WHY_STORM_GUARD:
		return "storm_guard";
	case WHY_FENCE_QUIET:
		return "fence_quiet";
	case WHY_FENCE_FAILED:
		return "fence_failed";
	case WHY_FENCE_TIMEOUT:
		return "fence_timeout";
	case WHY_FENCE_BUDGET_EXHAUSTED:
		return "fence_budget_exhausted";
	case WHY_FENCE_OFF_CONFIRMED:
		return "fence_off_confirmed";
	case WHY_POWER_OFF_CONFIRMED:
		return "power_off_confirmed";
	case WHY_OPERATOR_CONFIRMED:
		return "operator_confirmed";
	case WHY_SELF_FENCE_ELAPSED:
		return "self_fence_elapsed";
	case WHY_BMC_AUTH:
		return "bmc_auth";
	case WHY_BMC_UNREACHABLE:
		return "bmc_unreachable";
	case WHY_BMC_RECOVERED:
		return "bmc_recovered";
	case WHY_HB_RETURNED:
		return "hb_returned";
	case WHY_POWER_RETURNED:
		return "power_returned";
	case WHY_DEAD_BEFORE_REARM:
		return "dead_before_rearm";
	case WHY_REARMED:
		return "rearmed";
	case WHY_VMS_ACTIVE:
		return "vms_active";
	case WHY_IGN_MAINTENANCE:
		return "ign_maintenance";
	case WHY_IGN_DISABLED:
		return "ign_disabled";
	case WHY_IGN_OPERATOR:
		return "ign_operator";
	case WHY_IGN_REMOVED:
		return "ign_removed";
	case WHY_UNIGNORED:
		return "unignored";
	case WHY_HOST_GONE:
		return "host_gone";
	case WHY_DUPLICATE_IP:
		return "duplicate_ip";
	case WHY_CLUSTER_FENCE_BUDGET:
		return "cluster_fence_budget";
	case WHY_SUSPECT_TOO_LONG:
		return "suspect_too_long";
	case WHY_AUDIT_FAILED:
		return "audit_failed";
	}
	return "invalid";
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
