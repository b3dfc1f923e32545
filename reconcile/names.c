/*
 * names.c -- printable names of the reconcile layer's enums and of
 * libvirt's numbers (whose meaning can depend on the state), used in logs,
 * audit evidence and command output.  Names are part of the interface:
 * tests and operators grep for them.  Pure: no connection is touched;
 * libvirt headers give only constants.
 */
#include <libvirt/libvirt.h>

#include "rec_types.h"
#include "sweep.h"
#include "virt.h"
#include "virt_impl.h"

const char *
vm_outcome_name(enum vm_outcome o)
{
	switch (o) {
	case VMO_REQUEUED:
		return "requeued";
	case VMO_STOPPED:
		return "stopped";
	case VMO_PLAN_REQUEUE:
		return "would-requeue";
	case VMO_PLAN_STOP:
		return "would-stop";
	case VMO_MIGRATING:
		return "migrating";
	case VMO_SKIPPED:
		return "skipped";
	case VMO_DEFERRED:
		return "deferred";
	}
	return "invalid";
}

const char *
sweep_exec_name(enum sweep_exec x)
{
	switch (x) {
	case SWX_NONE:		return "none";
	case SWX_WOULD:		return "would";
	case SWX_REFUSED:	return "refused";
	case SWX_DONE:		return "done";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
virt_rc_name(enum virt_rc rc)
{
	switch (rc) {
	case VIRT_OK:		return "ok";
	case VIRT_RESUMED:	return "resumed";
	case VIRT_REPAUSED:	return "repaused";
	case VIRT_NOT_PAUSED:	return "not-paused";
	case VIRT_NO_JOB:	return "no-job";
	case VIRT_UNSUPPORTED:	return "unsupported";
	case VIRT_VANISHED:	return "vanished";
	case VIRT_TIMEOUT:	return "timeout";
	case VIRT_BUSY:		return "busy";
	case VIRT_UNREACHABLE:	return "unreachable";
	case VIRT_CONN_LOST:	return "conn-lost";
	case VIRT_FAILED:	return "failed";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
virt_job_name(enum virt_job j)
{
	switch (j) {
	case VJ_NONE:		return "none";
	case VJ_ACTIVE:		return "active";
	case VJ_UNSUPPORTED:	return "unsupported";
	case VJ_ERROR:		return "error";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
virt_marker_name(enum virt_marker m)
{
	switch (m) {
	case VMK_ABSENT:	return "absent";
	case VMK_PRESENT:	return "present";
	case VMK_UNKNOWN:	return "unknown";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
virt_state_name(int s)
{
	switch (s) {
	case VIR_DOMAIN_NOSTATE:	return "nostate";
	case VIR_DOMAIN_RUNNING:	return "running";
	case VIR_DOMAIN_BLOCKED:	return "blocked";
	case VIR_DOMAIN_PAUSED:		return "paused";
	case VIR_DOMAIN_SHUTDOWN:	return "shutdown";
	case VIR_DOMAIN_SHUTOFF:	return "shutoff";
	case VIR_DOMAIN_CRASHED:	return "crashed";
	case VIR_DOMAIN_PMSUSPENDED:	return "pmsuspended";
	}
	return "other";
}

/* The meaning of a reason depends on the state: 5 is RUNNING_UNPAUSED
 * when running and PAUSED_IOERROR when paused. */
const char *
virt_reason_name(int state, int r)
{
	static const char *running[] = { "unknown", "booted", "migrated",
	    "restored", "from-snapshot", "unpaused", "migration-canceled",
	    "save-canceled", "wakeup", "crashed", "postcopy" };
	static const char *shutoff[] = { "unknown", "shutdown", "destroyed",
	    "crashed", "migrated", "saved", "failed", "from-snapshot",
	    "daemon" };

	switch (state) {
	case VIR_DOMAIN_PAUSED:
		return sweep_preason_name(r);
	case VIR_DOMAIN_RUNNING:
		return r >= 0 && (size_t)r < NELEM(running) ? running[r] :
		    "other";
	case VIR_DOMAIN_SHUTOFF:
		return r >= 0 && (size_t)r < NELEM(shutoff) ? shutoff[r] :
		    "other";
	}
	return r == 0 ? "unknown" : "other";
}

const char *
virt_jobtype_name(int t)
{
	switch (t) {
	case VIR_DOMAIN_JOB_NONE:	return "none";
	case VIR_DOMAIN_JOB_BOUNDED:	return "bounded";
	case VIR_DOMAIN_JOB_UNBOUNDED:	return "unbounded";
	case VIR_DOMAIN_JOB_COMPLETED:	return "completed";
	case VIR_DOMAIN_JOB_FAILED:	return "failed";
	case VIR_DOMAIN_JOB_CANCELLED:	return "cancelled";
	}
	return "other";
}

const char *
virt_jobop_name(int op)
{
	switch (op) {
	case VIR_DOMAIN_JOB_OPERATION_UNKNOWN:		return "unknown";
	case VIR_DOMAIN_JOB_OPERATION_START:		return "start";
	case VIR_DOMAIN_JOB_OPERATION_SAVE:		return "save";
	case VIR_DOMAIN_JOB_OPERATION_RESTORE:		return "restore";
	case VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN:	return "migration-in";
	case VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT:	return "migration-out";
	case VIR_DOMAIN_JOB_OPERATION_SNAPSHOT:		return "snapshot";
	case VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT:	return "snapshot-revert";
	case VIR_DOMAIN_JOB_OPERATION_DUMP:		return "dump";
	case VIR_DOMAIN_JOB_OPERATION_BACKUP:		return "backup";
	case VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_DELETE:	return "snapshot-delete";
	}
	return "other";
}

const char *
virt_disk_error_name(int code)
{
	switch (code) {
	case VIR_DOMAIN_DISK_ERROR_NONE:	return "none";
	case VIR_DOMAIN_DISK_ERROR_UNSPEC:	return "unspecified error";
	case VIR_DOMAIN_DISK_ERROR_NO_SPACE:	return "no space";
	}
	return "other";
}

const char *
virt_job_kind_name(enum vjob_kind k)
{
	switch (k) {
	case VJK_OPEN:		return "open";
	case VJK_OBSERVE:	return "observe";
	case VJK_ABORT:		return "abort job";
	case VJK_RESUME:	return "resume";
	case VJK_HOST_UUID:	return "host uuid";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
virt_close_reason_name(int r)
{
	switch (r) {
	case VIR_CONNECT_CLOSE_REASON_ERROR:	 return "error";
	case VIR_CONNECT_CLOSE_REASON_EOF:	 return "eof";
	case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return "keepalive";
	case VIR_CONNECT_CLOSE_REASON_CLIENT:	 return "client";
	}
	return "other";
}
