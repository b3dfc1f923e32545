/*
 * restart_rules.h -- restart assurance (S10 of DESIGN.md), the decisions
 * (pure: no I/O, no clock).  reconcile/restart_assurance.c reads hawatch's
 * memory of the HA rows it queued (its ha_requeue table), the VM, the row
 * and CloudStack's settings, asks restart_rule_decide(), and writes what
 * it says.  Unit tests: tests/unit/check_restart_rules.c.
 *
 * Why: CloudStack drops a queued restart silently.  A management server
 * that starts marks every unclaimed Scheduled HA row Investigating
 * (markPendingWorksAsInvestigating); restart() then ends an Investigating
 * row Done because the VM's host_id is NULL ("no longer on host"), and
 * the VM stays Stopped.  Other paths end rows Done too
 * (reference/cloudstack-stop.md 7).
 *
 * The rule, in order:
 *   - the VM is gone (no row, removed, Destroyed, Expunging): resolved.
 *   - Running: CloudStack restarted it: resolved.
 *   - Error: CloudStack gave up on it: told (alert).
 *   - any other state but Stopped (Starting, Stopping, Migrating): wait,
 *     CloudStack is working on it.
 *   - Stopped, hawatch's row still open (not Done, Cancelled, Error):
 *       heal when it is Investigating and unclaimed (mgmt_server_id and
 *       taken NULL) and the VM is exactly as hawatch left it (host_id
 *       NULL, the update_count hawatch wrote); otherwise wait.
 *   - Stopped, the row ended or vanished (CloudStack purges Done rows):
 *       host_id set or last_host_id not the fenced host: changed, resolved;
 *       update_count moved: CloudStack tried to start it and failed: told;
 *       not HA-enabled and force.ha off: resolved;
 *       a volume on local storage: CloudStack never restarts it: told;
 *       a pending HA row of its own or a vm_work_job in progress: defer;
 *       the zone's vm.ha.enabled off: held (CloudStack would not run it);
 *       requeue_max re-queues done: give up, told;
 *       requeue_after not elapsed since the last row: later;
 *       else re-queue.
 */
#ifndef HAWATCH_RESTART_RULES_H
#define HAWATCH_RESTART_RULES_H

#include <stdint.h>

enum restart_verdict {
	/* keep watching */
	RV_WAIT,		/* CloudStack is working on it */
	RV_HEAL,		/* Investigating, unclaimed: back to Scheduled */
	RV_REQUEUE,		/* a new Scheduled row */
	RV_REQUEUE_LATER,	/* ... once requeue_after has elapsed */
	RV_DEFER,		/* its own pending HA row or work job */
	RV_HELD,		/* zone's vm.ha.enabled off */
	/* told: stop watching, raise an alert */
	RV_GIVE_UP,		/* requeue_max re-queues dropped too */
	RV_START_FAILED,	/* update_count moved while Stopped, or Error */
	RV_LOCAL_STORAGE,	/* cannot restart on another host */
	/* resolved: stop watching */
	RV_RUNNING,		/* restarted */
	RV_REMOVED,		/* removed, destroyed or expunging */
	RV_CHANGED,		/* moved on by CloudStack or a user */
	RV_NOT_HA,		/* HA turned off since, force.ha off */
};

/* What the rule looks at. */
struct restart_facts {
	/* hawatch's memory of its HA row for the VM */
	uint64_t	 fenced_host;
	uint64_t	 uc_written;		/* update_count hawatch wrote */
	unsigned	 requeues;		/* re-queues done so far */
	uint64_t	 since_queued_ms;	/* since its newest row */
	/* the VM now */
	int		 vm_present;
	int		 vm_removed;
	const char	*vm_state;		/* "" when absent */
	int		 vm_host_null;
	uint64_t	 vm_last_host;		/* 0 when NULL */
	uint64_t	 vm_update_count;
	int		 vm_ha_enabled;
	int		 local_storage;
	/* CloudStack's settings (configuration, data_center_details) */
	int		 force_ha;
	int		 zone_ha_enabled;
	/* hawatch's HA row now */
	int		 row_present;
	const char	*row_step;		/* "" when absent */
	int		 row_claimed;		/* mgmt_server_id or taken set */
	/* CloudStack's own work for the VM */
	unsigned	 other_pending_ha;	/* HA, not Done/Error/Cancelled */
	int		 work_job_pending;	/* vm_work_job, job in progress */
};

struct restart_limits {
	unsigned	 requeue_max;
	uint64_t	 requeue_after_ms;
};

enum restart_verdict restart_rule_decide(const struct restart_facts *,
		    const struct restart_limits *);

/* 1: the row ended (Done, Cancelled, Error) or vanished */
int		restart_rule_row_ended(int row_present, const char *step);

/* Verdict classes: 1 when watching stops; 1 when an alert is raised. */
int		restart_verdict_final(enum restart_verdict);
int		restart_verdict_alerts(enum restart_verdict);
/* 1 when the verdict writes CloudStack's tables (heal, re-queue). */
int		restart_verdict_writes(enum restart_verdict);

/* "wait", "heal", "requeue", ... (stable: status, JSON, audit). */
const char	*restart_verdict_name(enum restart_verdict);
/* The status stored in ha_requeue.status for a final verdict. */
const char	*restart_verdict_status(enum restart_verdict);

#endif
