/*
 * vm_apply.h -- the reconcile's apply phase, inside the caller's
 * transaction: lock the planned VM rows and skip those that changed, mark
 * the rest Stopped, queue their HA rows, write the audit rows.
 */
#ifndef HAWATCH_VM_APPLY_H
#define HAWATCH_VM_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "rec_types.h"

/* Lock the planned rows (FOR UPDATE); those changed since the plan become
 * VMO_SKIPPED.  *nlive: how many are still to be changed. */
int	vm_apply_lock(struct db *, struct rec_result *, uint64_t host_id,
	    size_t *nlive, char *err);
/* Mark the nlive VMs Stopped, CloudStack's way, in one statement. */
int	vm_apply_stop(struct db *, struct rec_result *, uint64_t host_id,
	    size_t nlive, char *err);
/* One HA row (HA, Scheduled, HostDown) per VMO_REQUEUED VM. */
int	vm_apply_ha_rows(struct db *, struct rec_result *, uint64_t host_id,
	    uint64_t now_wall_ms, char *err);
/* The audit rows: the confirmation (record_confirm) and each changed VM. */
int	vm_apply_audit(struct db *, struct rec_result *,
	    const struct rec_opts *, int record_confirm, char *err);

#endif
