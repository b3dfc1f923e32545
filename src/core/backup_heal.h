/*
 * backup_heal.h -- the pure decision for VMs left in a native backup
 * provider's VM states (apache/cloudstack PR #12758, KBOSS): `BackingUp`
 * while a backup runs and `BackupError` when it failed.  Nothing in
 * CloudStack moves a VM out of BackupError without an operator.  hawatch
 * returns it to the state libvirt shows, when that view is complete.
 *
 * Where it sits: reconcile/backup_states.c reads the VMs in those states
 * and the run's libvirt view, asks bh_decide() per VM, and writes the
 * healing ones (guarded by CloudStack's optimistic lock, audited).
 *
 * Rules (first match wins):
 *   1. BackingUp changed less than backing_up_min_age ago  -> LEAVE young
 *      (a backup may be under way; the sweeper's backup_timeout)
 *   2. its host_id is set and that host was not observed   -> LEAVE unknown
 *   3. its domain is on host_id (running or paused):
 *        with a job, or its job unreadable                 -> LEAVE job
 *        otherwise                                         -> HEAL Running
 *   4. its domain is on another observed host              -> LEAVE elsewhere
 *   5. some inventory host was not observed                -> LEAVE unknown
 *   6. no domain anywhere                                  -> HEAL Stopped
 * A paused domain counts as Running, as CloudStack's KVM agent reports it
 * (PowerOn); the sweeper then treats the pause itself.
 */
#ifndef HAWATCH_BACKUP_HEAL_H
#define HAWATCH_BACKUP_HEAL_H

#include <stdint.h>

/* Where libvirt shows the VM's domain, as the run observed it. */
enum bh_dom {
	BHD_NONE,		/* not on host_id */
	BHD_RUNNING,		/* running on host_id */
	BHD_PAUSED,		/* paused on host_id */
};

struct bh_vm {
	int		backing_up;	/* state is BackingUp (else BackupError) */
	uint64_t	state_age_ms;	/* since vm_instance.update_time */
	uint64_t	host_id;	/* vm_instance.host_id, 0: NULL */
	int		host_observed;	/* host_id's libvirt answered this run */
	enum bh_dom	dom;		/* on host_id */
	int		dom_job;	/* that domain has a job, or unreadable */
	uint32_t	elsewhere_host;	/* found on another host, 0: no */
	int		all_observed;	/* every inventory host answered */
};

enum bh_verdict {
	BHV_HEAL_RUNNING,
	BHV_HEAL_STOPPED,
	BHV_YOUNG,
	BHV_UNKNOWN,
	BHV_JOB,
	BHV_ELSEWHERE,
};

enum bh_verdict	 bh_decide(const struct bh_vm *, uint64_t backing_up_min_age_ms);
int		 bh_heals(enum bh_verdict);
const char	*bh_verdict_name(enum bh_verdict);
const char	*bh_dom_name(enum bh_dom);

#endif
