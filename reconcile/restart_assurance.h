/*
 * restart_assurance.h -- watch every HA row hawatch queued until the VM
 * runs again (S10: "Restarted, or told").
 *
 * CloudStack drops a queued restart silently in several ways
 * (reference/cloudstack-stop.md 7): a management server that starts marks
 * every unclaimed Scheduled row Investigating, and restart() then ends it
 * Done because the VM's host_id is NULL; rows end Done when a retry budget
 * runs out; Done rows are purged about daily.  hawatch therefore remembers
 * each HA row it inserts (hawatch's ha_requeue table: VM, row, fenced host,
 * the update_count it wrote, re-queues so far, when, given up or not) and,
 * on every pass:
 *
 *   heal      a row marked Investigating while still unclaimed goes back
 *             to Scheduled, while the VM is still Stopped, host_id NULL,
 *             with the update_count hawatch wrote;
 *   re-queue  a row that ended anyway (Done, Cancelled, Error, vanished)
 *             for a VM unchanged since hawatch's write gets a successor:
 *             a new Scheduled row with tried = the number of this
 *             re-queue (1, 2, ...), at most reconcile.requeue_max times,
 *             spaced by reconcile.requeue_after;
 *   tell      then, or when CloudStack tried to start it and failed
 *             (update_count moved while Stopped), or when a volume is on
 *             local storage, the watch ends "given up" with an alert, in
 *             the audit, in `hawatch status` and its JSON;
 *   resolve   a VM that runs again, was removed, changed or is no longer
 *             HA-enabled ends the watch quietly (audited).
 *
 * The decisions are the core's (src/core/restart_rules.h).  CloudStack's
 * force.ha (global) and vm.ha.enabled (zone detail, else global) are read
 * as its ConfigKey resolves them.  The pass reads with plain statements;
 * only when something is to be written does it open one transaction,
 * lock the VM, HA and ha_requeue rows (FOR UPDATE), read the facts again,
 * decide again, write, audit, re-check leadership and commit.
 */
#ifndef HAWATCH_RESTART_ASSURANCE_H
#define HAWATCH_RESTART_ASSURANCE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "rec_types.h"
#include "restart_rules.h"

/* One watched VM, its facts as last read, and what the pass did. */
struct ra_vm {
	uint64_t		 vm_id;
	uint64_t		 ha_work_id;	/* hawatch's newest row */
	uint64_t		 host_id;	/* the fenced host */
	uint64_t		 uc_written;
	unsigned		 requeues, heals;
	char			 status[16];	/* ha_requeue.status, before */
	uint64_t		 since_queued_ms;
	/* the VM */
	int			 vm_present, vm_removed, vm_host_null;
	char			 vm_state[32];
	char			 instance_name[256];
	char			 vm_type[32];
	uint64_t		 vm_last_host, vm_uc, zone_id;
	int			 ha_enabled, local_storage, zone_ha_enabled;
	/* hawatch's row, and CloudStack's own work */
	int			 row_present, row_claimed;
	char			 row_step[32];
	unsigned		 other_pending;
	int			 work_job;
	/* the pass */
	enum restart_verdict	 verdict;
	int			 written;	/* this pass wrote it */
	uint64_t		 new_ha_work_id;	/* a re-queue's row */
	char			 reason[200];
};

struct ra_result {
	struct ra_vm	*v;
	size_t		 n;
	int		 force_ha;
	unsigned	 n_watching, n_healed, n_requeued, n_given_up,
			 n_resolved;
	unsigned long	 statements;
};

struct ra_opts {
	int		 dry_run;
	unsigned	 requeue_max;
	uint64_t	 requeue_after_ms;
	const char	*actor;
	const char	*command;	/* audit: "reconcile" / "run" */
	const char	*leader_lock;	/* non-NULL: must hold it */
	uint64_t	 now_wall_ms;	/* time_to_try of re-queued rows */
};

/*
 * Inside reconcile_host()'s transaction: remember the HA rows it just
 * queued (r's VMO_REQUEUED VMs), starting a new watch for each VM.
 */
int	restart_track(struct db *, const struct rec_result *r, char *err);

/*
 * One pass over the watched VMs.  0 (see out; given-up VMs are listed
 * with verdict and reason), -1 on error with nothing written.  Without
 * hawatch's schema there is nothing to watch.
 */
int	restart_assure(struct db *, const struct ra_opts *,
	    struct ra_result *out, char *err);
void	ra_result_free(struct ra_result *);

/* reconcile/restart_facts.c: the reads behind a pass */
int	ra_read_settings(struct db *, int *force_ha, int *global_ha,
	    char *err);
/* ids NULL: every VM watched or given up; else those (locked re-read) */
int	ra_read_watched(struct db *, const uint64_t *ids, size_t nids,
	    int global_ha, struct ra_vm **v, size_t *n, char *err);
void	ra_facts(const struct ra_vm *, int force_ha, struct restart_facts *);
/* a short human reason for the verdict, into v->reason */
void	ra_explain(struct ra_vm *, const struct ra_opts *);

#endif
