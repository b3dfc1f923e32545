/*
 * vm_effects.h -- CloudStack's side effects of a forced stop, read and
 * written in the reconcile's one transaction (reconcile/vm_effects.c);
 * the decisions are src/core/stop_effects.h's.
 *
 *   read    the VMs' offerings and custom-offering details, their
 *           non-removed NICs (FOR UPDATE in the transaction) with their
 *           networks, and their outstanding op_it_work rows; a VM whose
 *           offering CloudStack could not use is skipped with a reason.
 *   write   usage_event (+ usage_event_details), nics, op_networks,
 *           vm_network_map, op_it_work: a constant number of statements
 *           per host whatever its VM count.
 *
 * Capacity (op_host_capacity) and resource counts are not written: CloudStack
 * recomputes them itself every 300 s (capacity.check.period 300000 ms,
 * resourcecount.check.interval 300 s; cloudstack-stop.md 6).
 */
#ifndef HAWATCH_VM_EFFECTS_H
#define HAWATCH_VM_EFFECTS_H

#include "db.h"
#include "rec_types.h"
#include "sbuf.h"

/* 1 when the VM is (or, in a dry run, would be) stopped. */
int	vm_effects_due(const struct rec_vm *);
/* Read the facts and decide; lock: FOR UPDATE on nics and op_it_work.
 * VMs CloudStack's own stop would fail on become VMO_SKIPPED; *nlive is
 * decremented for each. */
int	vm_effects_read(struct db *, struct rec_result *, int lock,
	    size_t *nlive, char *err);
/* Write them (after vm_apply_stop). */
int	vm_effects_write(struct db *, struct rec_result *, char *err);
/* The VM's side effects as a JSON object (audit evidence, --json). */
void	vm_effects_json(struct sbuf *, const struct rec_result *,
	    const struct rec_vm *);
/* ... and as report lines, each starting with indent. */
void	vm_effects_text(struct sbuf *, const struct rec_result *,
	    const struct rec_vm *, const char *indent, int dry_run);

#endif
