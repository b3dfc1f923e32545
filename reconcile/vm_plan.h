/*
 * vm_plan.h -- the reconcile's plan phase (plain reads, no locks): the host
 * and its HA state, the VMs CloudStack records on it, their newest HA rows,
 * and what the core's rules make of them.  --dry-run stops after it.
 */
#ifndef HAWATCH_VM_PLAN_H
#define HAWATCH_VM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "fence_records.h"
#include "rec_types.h"
#include "sbuf.h"

/* The host row; an unknown or removed host is an error. */
int		 vm_plan_host(struct db *, uint64_t host_id, struct rec_result *,
		    uint64_t *host_update_count, char *err);
/* Is the host counted as fenced?  Fills r->fenced_by or r->refused. */
void		 vm_plan_fenced(struct rec_result *, const struct fence_record *,
		    const struct rec_opts *, uint64_t host_update_count);
/* The VMs Running/Starting/Stopping/Migrating on the host, by id. */
int		 vm_plan_vms(struct db *, uint64_t host_id, struct rec_result *,
		    char *err);
/* The newest HA row of each VM, for the report (never for the decision). */
int		 vm_plan_last_ha(struct db *, struct rec_result *, char *err);
/* CloudStack's own work on the VMs: a vm_work_job in progress, or an own
 * HA row claimed, each on a live management server (database clock). */
int		 vm_plan_cloudstack_work(struct db *, struct rec_result *,
		    const struct rec_opts *, char *err);
/* Each VM's planned outcome (odd rows skipped, CloudStack's work deferred
 * to); returns how many are to be changed. */
size_t		 vm_plan_outcomes(struct rec_result *, const struct rec_opts *);
/* The VM with this id (r->vms is sorted by id), or NULL. */
struct rec_vm	*vm_plan_find(struct rec_result *, uint64_t id);
/* "id, id, ..." of the VMs; only_planned keeps those to be written. */
void		 vm_plan_id_list(struct sbuf *, const struct rec_result *,
		    int only_planned);

#endif
