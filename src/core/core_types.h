/*
 * core_types.h -- the vocabulary adapters and the decision core share.
 *
 * The heartbeat reader, the BMC pool, the inventory reader and the
 * reconcile produce these values directly; the core reasons on them.
 * Small on purpose: an adapter includes this, never core.h's internals.
 * Names (stable lowercase tokens for logs, status and goldens) live in
 * src/core/names.c.
 */
#ifndef HAWATCH_CORE_TYPES_H
#define HAWATCH_CORE_TYPES_H

#include "hb_status.h"	/* enum hb_status: HB_OK, HB_UNKNOWN, ... */

/* One BMC power reading, as the BMC pool reports it (fence/bmc_pool.c). */
enum pwr_obs {
	PWR_ON,
	PWR_OFF,
	PWR_UNKNOWN,		/* timeout / session error / no reading yet */
	PWR_AUTH_ERROR,		/* wrong password, unknown user, privilege */
	PWR_NO_BMC,		/* no BMC configured for the host */
};
#define PWR_LAST PWR_NO_BMC

/* Outcome of a fence attempt (fence/ipmi.c), and its progress (bmc_pool). */
enum fence_result {
	FENCE_NONE,		/* no attempt finished yet */
	FENCE_RUNNING,		/* an attempt is in flight */
	FENCE_OFF_CONFIRMED,	/* off sent and read back off twice */
	FENCE_FAILED_UNKNOWN,	/* timeout / not confirmed: the off may
				   still land; re-query before any retry */
	FENCE_AUTH_ERROR,	/* BMC refused our credentials: unfenceable
				   until the configuration is fixed */
	FENCE_NOT_STARTED,	/* the executor did not send it (the
				   fence_requested audit write failed): not
				   an attempt, does not count (S9) */
};
#define FENCE_LAST FENCE_NOT_STARTED

/* Why a host is left alone (src/inventory.c). */
enum ign_reason {
	IGN_NONE,		/* 0: watched */
	IGN_MAINTENANCE,	/* resource_state (Prepare)Maintenance */
	IGN_DISABLED,		/* resource_state Disabled */
	IGN_OPERATOR,		/* excluded in hawatch.conf / CLI */
	IGN_REMOVED,		/* host.removed set */
};
#define IGN_LAST IGN_REMOVED

/*
 * Who counts a host as fenced: the core's HS_FENCED carries it
 * (host_core_view.fenced_by), the reconcile records it in fenced_host.
 * fence_source_name()/_parse(): src/core/names.c.
 */
enum fence_source {
	FS_NONE,		/* not counted as fenced */
	FS_OPERATOR,		/* reconcile --confirm-fenced */
	FS_BMC,			/* daemon: BMC read power off twice, or the
				   fence confirmed off */
	FS_SELF_FENCE,		/* daemon: self_fence_after elapsed */
};

/*
 * What a libvirt probe of a host whose BMC reads off found (src/
 * corroborate.c): a powered-off host cannot answer.  Bounded by
 * daemon.corroborate_timeout.
 */
enum probe_obs {
	PROBE_NO_ENDPOINT,	/* hawatch has no libvirt URI for the host */
	PROBE_NONE,		/* no probe finished yet */
	PROBE_ANSWERED,		/* the host's libvirt answered */
	PROBE_SILENT,		/* no answer within the deadline */
};
#define PROBE_LAST PROBE_SILENT

/* The BMC's System GUID against the host's SMBIOS UUID (libvirt). */
enum bmc_identity {
	BMC_ID_UNKNOWN,		/* either side has not reported one */
	BMC_ID_MATCH,
	BMC_ID_MISMATCH,	/* the BMC belongs to another machine */
};
#define BMC_ID_LAST BMC_ID_MISMATCH

const char	*pwr_obs_name(enum pwr_obs);
const char	*probe_obs_name(enum probe_obs);
const char	*bmc_identity_name(enum bmc_identity);
const char	*fence_result_name(enum fence_result);
const char	*ign_reason_name(enum ign_reason);
const char	*fence_source_name(enum fence_source);
int		 fence_source_parse(const char *, enum fence_source *);

#endif
