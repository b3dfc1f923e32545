/*
 * virt_progress.c -- a libvirt job's progress as the adapter reports it:
 * every counter virDomainGetJobStats() gives (disk_*, data_*, memory_*),
 * the mode of a backup job (push or pull), the jobs of running domains,
 * and their text and JSON forms for the CLI and the audit evidence.
 *
 * Why every counter: a push-mode backup reports its progress only in
 * disk_processed / disk_remaining / disk_total (`virsh domjobinfo
 * --rawstats`); reading data_* alone made a throttled backup look idle and
 * it was aborted (issue 12).  A pull-mode backup reports none (its NBD
 * client drives it): the core treats that as unknown, never as stalled
 * (src/core/backup_progress.h).
 *
 * virt_progress_read, virt_backup_mode_read and virt_running_add run in a
 * worker thread (virt_ops.c) while it holds the connection; the rest is
 * pure formatting.  Errors reading a backup's XML or a running domain's
 * job are recorded in the observation (VBM_UNKNOWN, VJ_ERROR), never
 * fatal to the host's observation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backup_progress.h"
#include "sbuf.h"
#include "util.h"
#include "virt.h"
#include "virt_progress.h"

/* libvirt's typed-parameter name for each counter */
static const char *const lv_names[BPF_N] = {
	[BPF_DISK_PROCESSED] = VIR_DOMAIN_JOB_DISK_PROCESSED,
	[BPF_DISK_REMAINING] = VIR_DOMAIN_JOB_DISK_REMAINING,
	[BPF_DISK_TOTAL] = VIR_DOMAIN_JOB_DISK_TOTAL,
	[BPF_DATA_PROCESSED] = VIR_DOMAIN_JOB_DATA_PROCESSED,
	[BPF_DATA_REMAINING] = VIR_DOMAIN_JOB_DATA_REMAINING,
	[BPF_DATA_TOTAL] = VIR_DOMAIN_JOB_DATA_TOTAL,
	[BPF_MEM_PROCESSED] = VIR_DOMAIN_JOB_MEMORY_PROCESSED,
	[BPF_MEM_REMAINING] = VIR_DOMAIN_JOB_MEMORY_REMAINING,
	[BPF_MEM_TOTAL] = VIR_DOMAIN_JOB_MEMORY_TOTAL,
};

/* Every counter the job reports, with which ones it reported. */
void
virt_progress_read(virTypedParameterPtr p, int np, struct dom_obs *o)
{
	unsigned long long	x;
	int			f;

	memset(&o->progress, 0, sizeof(o->progress));
	for (f = 0; f < BPF_N; f++)
		if (virTypedParamsGetULLong(p, np, lv_names[f], &x) == 1)
			bp_set(&o->progress, (enum bp_field)f, x);
}

/* The mode of an active backup job, from <domainbackup mode='...'>. */
void
virt_backup_mode_read(virDomainPtr d, struct dom_obs *o)
{
	char	*xml, *end, *m;

	o->backup_mode = VBM_UNKNOWN;
	if ((xml = virDomainBackupGetXMLDesc(d, 0)) == NULL) {
		virResetLastError();
		return;
	}
	/* only the root element's attributes: mode is one of them */
	if ((end = strchr(xml, '>')) != NULL)
		*end = '\0';
	if ((m = strstr(xml, "mode=")) != NULL && (m[5] == '\'' ||
	    m[5] == '"')) {
		if (strncmp(m + 6, "pull", 4) == 0)
			o->backup_mode = VBM_PULL;
		else if (strncmp(m + 6, "push", 4) == 0)
			o->backup_mode = VBM_PUSH;
	} else if (end != NULL)
		o->backup_mode = VBM_PUSH;	/* libvirt's default mode */
	free(xml);
}

/*
 * Record a running domain with its job (issue 12: a BackingUp row of a VM
 * that runs again needs its job read too).  cap: the host's domain count,
 * the size of ob->running.  A domain that vanished meanwhile is dropped.
 */
void
virt_running_add(struct virt_host_obs *ob, size_t cap, virDomainPtr d,
    const char *name, int state, int reason)
{
	virTypedParameterPtr	 params = NULL;
	virErrorPtr		 e;
	struct dom_obs		*o;
	int			 type, np = 0, op, code;

	if (ob->running == NULL)
		ob->running = xcalloc(cap + 1, sizeof(*ob->running));
	o = &ob->running[ob->nrun];
	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", name);
	virDomainGetUUIDString(d, o->uuid);
	o->state = state;
	o->reason = reason;
	o->state_name = virt_state_name(state);
	o->reason_name = virt_reason_name(state, reason);
	o->ndisk_errors = -1;		/* not read for running domains */
	if (virDomainGetJobStats(d, &type, &params, &np, 0) == 0) {
		o->job = type == VIR_DOMAIN_JOB_NONE ? VJ_NONE : VJ_ACTIVE;
		o->job_type = type;
		if (virTypedParamsGetInt(params, np, VIR_DOMAIN_JOB_OPERATION,
		    &op) == 1)
			o->job_op = op;
		virt_progress_read(params, np, o);
		virTypedParamsFree(params, np);
		if (o->job == VJ_ACTIVE &&
		    o->job_op == VIR_DOMAIN_JOB_OPERATION_BACKUP)
			virt_backup_mode_read(d, o);
	} else {
		e = virSaveLastError();
		code = e != NULL ? e->code : -1;
		if (code == VIR_ERR_NO_DOMAIN) {
			virFreeError(e);
			return;
		}
		o->job = code == VIR_ERR_NO_SUPPORT ? VJ_UNSUPPORTED : VJ_ERROR;
		snprintf(o->note, sizeof(o->note), "job stats: %s",
		    e != NULL && e->message != NULL ? e->message : "error");
		if (e != NULL)
			virFreeError(e);
	}
	ob->nrun++;
}

/* "backup disk_processed=140509184B", "backup no progress (pull)",
 * or the job state when there is no job. */
void
virt_job_fmt(const struct dom_obs *o, char *buf, size_t len)
{
	enum bp_field	f;

	if (o->job != VJ_ACTIVE) {
		snprintf(buf, len, "%s", virt_job_name(o->job));
		return;
	}
	if ((f = bp_main(&o->progress)) == BPF_NONE)
		snprintf(buf, len, "%s %s", virt_jobop_name(o->job_op),
		    o->backup_mode == VBM_PULL ? "pull" : "no-progress");
	else
		snprintf(buf, len, "%s %s=%lluB", virt_jobop_name(o->job_op),
		    bp_field_name(f), (unsigned long long)o->progress.v[f]);
}

/* ,"progress":{"field":"disk_processed","mode":"push","disk_processed":N,..} */
void
virt_progress_json(struct sbuf *ev, const struct dom_obs *o)
{
	enum bp_field	f = bp_main(&o->progress);
	int		i;

	sbuf_add(ev, ",\"progress\":{\"field\":");
	if (f == BPF_NONE)
		sbuf_add(ev, "null");
	else
		sbuf_add(ev, "\"%s\"", bp_field_name(f));
	sbuf_add(ev, ",\"known\":%s,\"backup_mode\":\"%s\"",
	    bp_known(&o->progress) ? "true" : "false",
	    virt_backup_mode_name(o->backup_mode));
	for (i = 0; i < BPF_N; i++)
		if (bp_has(&o->progress, (enum bp_field)i))
			sbuf_add(ev, ",\"%s\":%llu",
			    bp_field_name((enum bp_field)i),
			    (unsigned long long)o->progress.v[i]);
	sbuf_add(ev, "}");
}

const char *
virt_backup_mode_name(enum virt_backup_mode m)
{
	switch (m) {
	case VBM_NONE:		return "none";
	case VBM_PUSH:		return "push";
	case VBM_PULL:		return "pull";
	case VBM_UNKNOWN:	return "unknown";
	}
	/* NOTREACHED */
	return "invalid";
}

/* processed / remaining / total of the family the job reports (disk for a
 * push backup, else data, else memory); zeros when it reports none. */
void
virt_progress_family(const struct dom_obs *o, uint64_t *processed,
    uint64_t *remaining, uint64_t *total)
{
	static const enum bp_field fam[][3] = {
	    { BPF_DISK_PROCESSED, BPF_DISK_REMAINING, BPF_DISK_TOTAL },
	    { BPF_DATA_PROCESSED, BPF_DATA_REMAINING, BPF_DATA_TOTAL },
	    { BPF_MEM_PROCESSED, BPF_MEM_REMAINING, BPF_MEM_TOTAL } };
	size_t	i;

	*processed = *remaining = *total = 0;
	for (i = 0; i < NELEM(fam); i++)
		if (bp_has(&o->progress, fam[i][0]) ||
		    bp_has(&o->progress, fam[i][1])) {
			*processed = o->progress.v[fam[i][0]];
			*remaining = o->progress.v[fam[i][1]];
			*total = o->progress.v[fam[i][2]];
			return;
		}
}
