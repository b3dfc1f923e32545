/*
 * stop_effects.h -- what CloudStack's forced stop of a VM on a dead host
 * writes besides vm_instance, as pure rules (no I/O, no clock).
 * reconcile/vm_effects.c reads the rows, asks these rules and writes what
 * they say in the reconcile's one transaction.  Facts and their CloudStack
 * sources: ../shared/reference/cloudstack-stop.md (VMM =
 * VirtualMachineManagerImpl, NO = NetworkOrchestrator, USL =
 * UserVmStateListener).  Unit tests: tests/unit/check_stop_effects.c.
 *
 * Rules:
 *   releases   advanceStop releases the VM's resources (NICs, volumes) and
 *              closes its outstanding op_it_work row for an old state of
 *              Running, Stopping (VMM:2577-2584) or Starting (cleanup()'s
 *              finally, VMM:2292, and changeState(..., Done), VMM:2483).
 *   it_work    the outstanding op_it_work row closed is the one whose type
 *              is the VM's old state (ItWorkDaoImpl.findByOutstandingWork).
 *   usage      User VMs only, and only on a transition with USAGE impact:
 *              Running->Stopped and Stopping->Stopped, not Starting->Stopped
 *              (VirtualMachine.java:101-143); saved only when display_vm=1
 *              (USL:113-121, UsageEventUtils).  VM.STOP plus one
 *              NETWORK.OFFERING.REMOVE per non-removed NIC.
 *   offering   a dynamic (custom) offering -- cpu, speed or ram_size NULL --
 *              takes cpuNumber / cpuSpeed / memory from vm_instance_details
 *              when present, else the offering's value, and VM.STOP gets
 *              three usage_event_details rows.  A removed offering or a
 *              value missing everywhere makes CloudStack's own listener
 *              throw: the VM is skipped, with that reason.
 *   system VM  the NICs of every type but User are left to CloudStack: their
 *              release frees IP-allocation rows (link-local, pod) hawatch
 *              does not write, and the next start re-reserves them
 *              (cloudstack-stop.md 4.3).  op_it_work is closed for them too.
 *   nic        per non-removed NIC of a User VM (NO:2473-2539):
 *                state not Reserved/Reserving  nothing;
 *                strategy Start                guru release(): the guest
 *                  gurus clear broadcast_uri and isolation_uri, the direct
 *                  and NSX gurus change nothing; state Allocated; the count
 *                  changes only if the old NIC state was Reserved;
 *                  another guru (Tungsten may refuse): NIC left to
 *                  CloudStack;
 *                strategy Create/Managed/PlaceHolder  Allocated, count
 *                  changed also from Reserving.
 *              "count changed" = updateNic(-1): op_networks.nics_count - 1
 *              when nics.vm_type is User, check_for_gc = 1 when nics.vm_type
 *              is User or DomainRouter on a Guest network (NO:2117-2134).
 *   unmap      a User VM's vm_network_map row for each non-removed NIC's
 *              network is deleted, whatever the NIC's state (NO:2514-2524).
 */
#ifndef HAWATCH_STOP_EFFECTS_H
#define HAWATCH_STOP_EFFECTS_H

#include <stdint.h>

enum stop_nic_action {
	SNA_NONE,		/* not Reserved/Reserving: nothing written */
	SNA_RELEASE,		/* nics.state -> Allocated */
	SNA_LEFT_SYSTEM_VM,	/* a system VM's NIC: left to CloudStack */
	SNA_LEFT_GURU,		/* a guru whose release hawatch does not model */
};

struct stop_nic_facts {
	const char	*vm_type;	/* vm_instance.type */
	const char	*nic_state;	/* nics.state */
	const char	*strategy;	/* nics.strategy */
	const char	*nic_vm_type;	/* nics.vm_type, "" when NULL */
	const char	*guru_name;	/* networks.guru_name */
	const char	*traffic_type;	/* networks.traffic_type */
};

struct stop_nic_effect {
	enum stop_nic_action	action;
	int			clear_uris;	/* broadcast/isolation_uri NULL */
	int			nics_count_delta; /* 0 or -1 */
	int			check_for_gc;	/* op_networks.check_for_gc = 1 */
};

enum stop_offering {
	SOF_FIXED,		/* VM.STOP without details */
	SOF_DYNAMIC,		/* VM.STOP + cpuNumber, cpuSpeed, memory */
	SOF_REMOVED,		/* offering removed: CloudStack would throw */
	SOF_MISSING_VALUE,	/* dynamic value nowhere: CloudStack would throw */
	SOF_BAD_VALUE,		/* a detail that is not a decimal integer */
};

/* The offering's columns (has_* 0 when NULL) and the VM's details (NULL
 * when absent). */
struct stop_offering_facts {
	int		 removed;
	int		 has_cpu, has_speed, has_ram;
	uint64_t	 cpu, speed, ram_size;
	const char	*detail_cpu, *detail_speed, *detail_memory;
};

/* The three usage_event_details values of a dynamic offering. */
struct stop_dynamic {
	uint64_t	cpu_number, cpu_speed, memory;
};

int	stop_rule_releases(const char *old_state);
const char *stop_rule_it_work_type(const char *old_state);
int	stop_rule_usage(const char *vm_type, const char *old_state,
	    int display_vm);
int	stop_rule_is_system_vm(const char *vm_type);
int	stop_rule_unmap(const char *vm_type);
void	stop_rule_nic(const struct stop_nic_facts *, struct stop_nic_effect *);
enum stop_offering stop_rule_offering(const struct stop_offering_facts *,
	    struct stop_dynamic *);
const char *stop_offering_reason(enum stop_offering);

#endif
