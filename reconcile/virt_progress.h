/*
 * virt_progress.h -- private to reconcile/virt*.c: reading a job's progress
 * counters and backup mode inside a worker (virt_progress.c).
 */
#ifndef HAWATCH_VIRT_PROGRESS_H
#define HAWATCH_VIRT_PROGRESS_H

#include <libvirt/libvirt.h>

#include "virt.h"

void	virt_progress_read(virTypedParameterPtr, int np, struct dom_obs *);
void	virt_backup_mode_read(virDomainPtr, struct dom_obs *);
void	virt_running_add(struct virt_host_obs *, size_t cap, virDomainPtr,
	    const char *name, int state, int reason);

#endif
