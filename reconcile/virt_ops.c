/*
 * virt_ops.c -- what a libvirt adapter worker does (runs in the worker
 * threads of virt.c, never in the caller's): open or reuse the host's
 * connection, describe its paused domains, abort a job, resume and watch.
 *
 * Each function runs while its job holds vc->busy, so vc->conn is its own.
 * libvirt errors are thread-local and reset by the next API call: each
 * failure is copied (virSaveLastError) before anything else is called, and
 * classified into enum virt_rc by call_rc().
 *
 * Does not: wait for deadlines (virt.c does), decide or retry.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "clock.h"
#include "log.h"
#include "util.h"
#include "virt.h"
#include "virt_impl.h"
#include "virt_progress.h"

static void
close_cb(virConnectPtr c, int reason, void *opaque)
{
	struct virt_conn	*vc = opaque;

	(void)c;
	atomic_store(&vc->close_reason, reason);
	atomic_store(&vc->closed, 1);
}

/* Close the connection (caller: the busy job, or the last reference). */
void
virt_conn_drop(struct virt_conn *vc)
{
	if (vc->conn == NULL)
		return;
	if (vc->cb_registered)
		virConnectUnregisterCloseCallback(vc->conn, close_cb);
	virConnectClose(vc->conn);
	vc->conn = NULL;
	vc->cb_registered = 0;
}

/* Copy the thread's last libvirt error into err; returns its code. */
static int
lv_err(char *err, uint32_t host_id, const char *what, const char *subject)
{
	virErrorPtr	e = virSaveLastError();
	int		code = e != NULL ? e->code : -1;

	set_err(err, "host %u: %s%s%s: %s (code=%d)", host_id, what,
	    subject != NULL ? " " : "", subject != NULL ? subject : "",
	    e != NULL && e->message != NULL ? e->message : "unknown error",
	    code);
	if (e != NULL)
		virFreeError(e);
	return code;
}

/* Classify a failed call on an open connection (err already filled). */
static enum virt_rc
call_rc(struct virt_conn *vc, int code)
{
	if (code == VIR_ERR_NO_DOMAIN)
		return VIRT_VANISHED;
	if (code == VIR_ERR_NO_SUPPORT)
		return VIRT_UNSUPPORTED;
	if (atomic_load(&vc->closed) || virConnectIsAlive(vc->conn) != 1) {
		virResetLastError();
		return VIRT_CONN_LOST;
	}
	return VIRT_FAILED;
}

/* Make vc->conn usable: reuse it if alive, else (re)open. */
static enum virt_rc
conn_ensure(struct vjob *j, char *err, int *opened)
{
	struct virt_conn	*vc = j->vc;
	virConnectPtr		 c;
	int			 code;

	if (vc->conn != NULL) {
		if (!atomic_load(&vc->closed) &&
		    virConnectIsAlive(vc->conn) == 1)
			return VIRT_OK;
		log_warn("virt.conn_lost", "host=%u reason=%s", vc->host_id,
		    atomic_load(&vc->closed) ?
		    virt_close_reason_name(atomic_load(&vc->close_reason)) :
		    "not-alive");
		virt_conn_drop(vc);
	}
	atomic_store(&j->opening, 1);
	c = virConnectOpen(vc->uri);
	atomic_store(&j->opening, 0);
	if (c == NULL) {
		code = lv_err(err, vc->host_id, "open", vc->uri);
		return code == VIR_ERR_SYSTEM_ERROR ? VIRT_UNREACHABLE :
		    VIRT_FAILED;
	}
	if (virt_job_abandoned(j)) {		/* the caller gave up on this open */
		virConnectClose(c);
		set_err(err, "host %u: open returned after its deadline",
		    vc->host_id);
		return VIRT_TIMEOUT;
	}
	/* 1 = not supported (local drivers need none), -1 = error */
	if (virConnectSetKeepAlive(c, VIRT_KEEPALIVE_INTERVAL_S,
	    VIRT_KEEPALIVE_COUNT) < 0)
		virResetLastError();
	atomic_store(&vc->closed, 0);
	vc->cb_registered = virConnectRegisterCloseCallback(c, close_cb, vc,
	    NULL) == 0;
	if (!vc->cb_registered)
		virResetLastError();
	vc->conn = c;
	*opened = 1;
	log_info("virt.open", "host=%u uri=%s", vc->host_id, vc->uri);
	return VIRT_OK;
}

static void
note_add(struct dom_obs *o, const char *fmt, const char *arg)
{
	size_t	n = strlen(o->note);

	if (n + 3 >= sizeof(o->note))
		return;
	if (n > 0) {
		strcpy(o->note + n, "; ");
		n += 2;
	}
	snprintf(o->note + n, sizeof(o->note) - n, fmt, arg);
}

static void
ullong_param(virTypedParameterPtr p, int np, const char *name, uint64_t *v)
{
	unsigned long long	x;

	if (virTypedParamsGetULLong(p, np, name, &x) == 1)
		*v = x;
}

/* Job, disk errors and marker of one paused domain.  Returns VIRT_OK,
 * VIRT_VANISHED (drop it) or VIRT_CONN_LOST (abort the observation). */
static enum virt_rc
describe(struct virt_conn *vc, virDomainPtr d, struct dom_obs *o)
{
	virTypedParameterPtr	 params = NULL;
	virDomainDiskError	 de[VIRT_MAX_DISK_ERRORS];
	char			 e[ERR_LEN], *md;
	int			 type, np = 0, op, n, i, code;
	enum virt_rc		 rc;

	if (virDomainGetJobStats(d, &type, &params, &np, 0) == 0) {
		o->job = type == VIR_DOMAIN_JOB_NONE ? VJ_NONE : VJ_ACTIVE;
		o->job_type = type;
		if (virTypedParamsGetInt(params, np, VIR_DOMAIN_JOB_OPERATION,
		    &op) == 1)
			o->job_op = op;
		ullong_param(params, np, VIR_DOMAIN_JOB_TIME_ELAPSED,
		    &o->job_elapsed_ms);
		ullong_param(params, np, VIR_DOMAIN_JOB_DATA_PROCESSED,
		    &o->data_processed);
		ullong_param(params, np, VIR_DOMAIN_JOB_DATA_REMAINING,
		    &o->data_remaining);
		ullong_param(params, np, VIR_DOMAIN_JOB_DATA_TOTAL,
		    &o->data_total);
		virt_progress_read(params, np, o);	/* disk_*, mem_* too */
		virTypedParamsFree(params, np);
		if (o->job == VJ_ACTIVE &&
		    o->job_op == VIR_DOMAIN_JOB_OPERATION_BACKUP)
			virt_backup_mode_read(d, o);	/* push or pull */
	} else {
		code = lv_err(e, vc->host_id, "job stats", NULL);
		if ((rc = call_rc(vc, code)) == VIRT_VANISHED ||
		    rc == VIRT_CONN_LOST)
			return rc;
		o->job = rc == VIRT_UNSUPPORTED ? VJ_UNSUPPORTED : VJ_ERROR;
		note_add(o, "%s", rc == VIRT_UNSUPPORTED ?
		    "job info unsupported" : e);
	}

	if ((n = virDomainGetDiskErrors(d, de, VIRT_MAX_DISK_ERRORS, 0)) >= 0) {
		o->ndisk_errors = n;
		for (i = 0; i < n; i++) {
			snprintf(o->disk_errors[i].disk,
			    sizeof(o->disk_errors[i].disk), "%s", de[i].disk);
			o->disk_errors[i].code = de[i].error;
			o->disk_errors[i].name =
			    virt_disk_error_name(de[i].error);
			free(de[i].disk);
		}
	} else {
		o->ndisk_errors = -1;
		code = lv_err(e, vc->host_id, "disk errors", NULL);
		if ((rc = call_rc(vc, code)) == VIRT_VANISHED ||
		    rc == VIRT_CONN_LOST)
			return rc;
		note_add(o, "%s", rc == VIRT_UNSUPPORTED ?
		    "disk errors unsupported" : e);
	}

	md = virDomainGetMetadata(d, VIR_DOMAIN_METADATA_ELEMENT,
	    VIRT_OPTOUT_NS, VIR_DOMAIN_AFFECT_CURRENT);
	if (md != NULL) {
		o->marker = VMK_PRESENT;
		free(md);
	} else {
		code = lv_err(e, vc->host_id, "metadata", NULL);
		if (code == VIR_ERR_NO_DOMAIN_METADATA)
			o->marker = VMK_ABSENT;
		else if ((rc = call_rc(vc, code)) == VIRT_VANISHED ||
		    rc == VIRT_CONN_LOST)
			return rc;
		else if (rc == VIRT_UNSUPPORTED)
			o->marker = VMK_ABSENT;	/* no metadata: no marker */
		else {
			o->marker = VMK_UNKNOWN;
			note_add(o, "%s", e);
		}
	}
	return VIRT_OK;
}

static void
run_observe(struct vjob *j)
{
	struct virt_conn	*vc = j->vc;
	struct virt_host_obs	*ob = &j->obs;
	virDomainPtr		*doms = NULL;
	struct dom_obs		*o;
	char			 name[VIRT_NAME_LEN];
	int			 n, i, state, reason, code;
	enum virt_rc		 rc;

	if ((ob->rc = conn_ensure(j, ob->err, &ob->opened)) != VIRT_OK)
		return;
	n = virConnectListAllDomains(vc->conn, &doms,
	    VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		code = lv_err(ob->err, vc->host_id, "list domains", NULL);
		ob->rc = call_rc(vc, code);
		return;
	}
	ob->paused = xcalloc((size_t)n, sizeof(*ob->paused));
	for (i = 0; i < n && ob->rc == VIRT_OK; i++) {
		/* the name first: any API call resets the last error */
		snprintf(name, sizeof(name), "%s", virDomainGetName(doms[i]));
		if (virDomainGetState(doms[i], &state, &reason, 0) < 0) {
			code = lv_err(ob->err, vc->host_id, "state", name);
			if ((rc = call_rc(vc, code)) == VIRT_CONN_LOST)
				ob->rc = rc;
			else if (rc != VIRT_VANISHED)
				ob->nother++;
			continue;
		}
		if (state == VIR_DOMAIN_RUNNING) {
			ob->nrunning++;
			/* its job too: a BackingUp row may name it */
			virt_running_add(ob, (size_t)n, doms[i], name, state,
			    reason);
			continue;
		}
		if (state != VIR_DOMAIN_PAUSED) {
			ob->nother++;
			continue;
		}
		o = &ob->paused[ob->npaused];
		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", name);
		virDomainGetUUIDString(doms[i], o->uuid);
		o->state = state;
		o->reason = reason;
		o->state_name = virt_state_name(state);
		o->reason_name = virt_reason_name(state, reason);
		rc = describe(vc, doms[i], o);
		if (rc == VIRT_OK)
			ob->npaused++;
		else if (rc == VIRT_CONN_LOST) {
			ob->rc = rc;
			set_err(ob->err, "host %u: connection lost while "
			    "describing %s", vc->host_id, o->name);
		}
	}
	for (i = 0; i < n; i++)
		virDomainFree(doms[i]);
	free(doms);
	if (ob->rc == VIRT_OK)
		ob->err[0] = '\0';	/* a per-domain failure was skipped */
	else {			/* nothing of a failed look is kept */
		free(ob->paused);
		ob->paused = NULL;
		ob->npaused = 0;
		free(ob->running);
		ob->running = NULL;
		ob->nrun = 0;
	}
}

static virDomainPtr
dom_lookup(struct virt_conn *vc, const char *ref, struct virt_act *a)
{
	virDomainPtr	d;
	int		code;

	/* a libvirt uuid string is 36 characters with dashes */
	if (strlen(ref) == VIRT_UUID_LEN - 1 && ref[8] == '-')
		d = virDomainLookupByUUIDString(vc->conn, ref);
	else
		d = virDomainLookupByName(vc->conn, ref);
	if (d == NULL) {
		code = lv_err(a->err, vc->host_id, "lookup", ref);
		if ((a->rc = call_rc(vc, code)) == VIRT_VANISHED)
			set_err(a->err, "host %u: domain vanished: %s",
			    vc->host_id, ref);
	}
	return d;
}

/* Read the state into a; returns -1 (a->rc, a->err set) on failure. */
static int
act_state(struct virt_conn *vc, virDomainPtr d, struct virt_act *a,
    const char *ref)
{
	int	code;

	if (virDomainGetState(d, &a->state, &a->reason, 0) < 0) {
		code = lv_err(a->err, vc->host_id, "state", ref);
		if ((a->rc = call_rc(vc, code)) == VIRT_VANISHED)
			set_err(a->err, "host %u: domain vanished: %s",
			    vc->host_id, ref);
		a->state = a->reason = -1;
		return -1;
	}
	a->state_name = virt_state_name(a->state);
	a->reason_name = virt_reason_name(a->state, a->reason);
	return 0;
}

static void
sleep_ms(uint64_t ms)
{
	struct timespec	ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void
run_action(struct vjob *j)
{
	struct virt_conn	*vc = j->vc;
	struct virt_act		*a = &j->act;
	virDomainPtr		 d;
	uint64_t		 end, now;
	int			 code, opened = 0;

	a->state = a->reason = -1;
	if ((a->rc = conn_ensure(j, a->err, &opened)) != VIRT_OK)
		return;
	if ((d = dom_lookup(vc, j->dom, a)) == NULL)
		return;
	if (j->kind == VJK_ABORT) {
		if (virDomainAbortJob(d) < 0) {
			code = lv_err(a->err, vc->host_id, "abort job", j->dom);
			a->rc = code == VIR_ERR_OPERATION_INVALID ?
			    VIRT_NO_JOB : call_rc(vc, code);
		}
		if (a->rc == VIRT_OK || a->rc == VIRT_NO_JOB)
			(void)act_state(vc, d, a, j->dom);
		goto out;
	}
	if (act_state(vc, d, a, j->dom) < 0)
		goto out;
	if (a->state != VIR_DOMAIN_PAUSED) {
		a->rc = VIRT_NOT_PAUSED;
		set_err(a->err, "host %u: %s is %s, not paused", vc->host_id,
		    j->dom, a->state_name);
		goto out;
	}
	if (virDomainResume(d) < 0) {
		code = lv_err(a->err, vc->host_id, "resume", j->dom);
		a->rc = code == VIR_ERR_OPERATION_INVALID ? VIRT_NOT_PAUSED :
		    call_rc(vc, code);
		goto out;
	}
	/*
	 * virDomainResume() returns 0 even when QEMU re-pauses at once on a
	 * still-full disk: watch the state for the settle time, stopping
	 * early on a re-pause, and always before the caller's deadline.
	 */
	end = clock_mono_ms() + j->settle_ms;
	if (end + VIRT_SETTLE_POLL_MS > j->deadline_ms)
		end = j->deadline_ms > VIRT_SETTLE_POLL_MS ?
		    j->deadline_ms - VIRT_SETTLE_POLL_MS : 0;
	for (;;) {
		if (act_state(vc, d, a, j->dom) < 0)
			goto out;
		if (a->state == VIR_DOMAIN_PAUSED) {
			a->rc = VIRT_REPAUSED;
			set_err(a->err, "host %u: %s paused again (%s) after "
			    "resume", vc->host_id, j->dom, a->reason_name);
			goto out;
		}
		if ((now = clock_mono_ms()) >= end)
			break;
		sleep_ms(end - now < VIRT_SETTLE_POLL_MS ? end - now :
		    VIRT_SETTLE_POLL_MS);
	}
	if (a->state == VIR_DOMAIN_RUNNING)
		a->rc = VIRT_RESUMED;
	else {
		a->rc = VIRT_FAILED;
		set_err(a->err, "host %u: %s is %s after resume", vc->host_id,
		    j->dom, a->state_name);
	}
out:
	virDomainFree(d);
}

/*
 * The text of <tag>...</tag> (or the element whose start tag begins with
 * tag, e.g. "<entry name='uuid'") found after the first "after" in xml,
 * trimmed, into out.  0, or -1 when absent or longer than len - 1.
 */
static int
xml_text(const char *xml, const char *after, const char *tag, char *out,
    size_t len)
{
	const char	*p, *e;
	size_t		 n;

	if ((p = strstr(xml, after)) == NULL || (p = strstr(p, tag)) == NULL ||
	    (p = strchr(p, '>')) == NULL || (e = strchr(++p, '<')) == NULL)
		return -1;
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
		e--;
	if ((n = (size_t)(e - p)) == 0 || n >= len)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* SMBIOS system uuid from sysinfo, else the capabilities' host uuid
 * (libvirtd.conf host_uuid, or what libvirt derived from SMBIOS). */
static void
run_host_uuid(struct vjob *j)
{
	struct virt_conn	*vc = j->vc;
	char			*xml;
	int			 opened = 0;

	if ((j->rc = conn_ensure(j, j->err, &opened)) != VIRT_OK)
		return;
	if ((xml = virConnectGetSysinfo(vc->conn, 0)) != NULL) {
		if (xml_text(xml, "<system>", "<entry name='uuid'",
		    j->host_uuid, sizeof(j->host_uuid)) == -1)
			(void)xml_text(xml, "<system>", "<entry name=\"uuid\"",
			    j->host_uuid, sizeof(j->host_uuid));
		free(xml);
	} else
		virResetLastError();
	if (j->host_uuid[0] == '\0' &&
	    (xml = virConnectGetCapabilities(vc->conn)) != NULL) {
		(void)xml_text(xml, "<host>", "<uuid>", j->host_uuid,
		    sizeof(j->host_uuid));
		free(xml);
	}
	if (j->host_uuid[0] == '\0') {
		virResetLastError();
		j->rc = VIRT_UNSUPPORTED;
		set_err(j->err, "host %u: libvirt reports no host uuid (%s)",
		    vc->host_id, vc->uri);
	}
}

/* The body of a worker: one libvirt interaction, results into j. */
void
virt_ops_run(struct vjob *j)
{
	int	opened = 0;

	switch (j->kind) {
	case VJK_OPEN:
		j->rc = conn_ensure(j, j->err, &opened);
		break;
	case VJK_OBSERVE:
		run_observe(j);
		break;
	case VJK_ABORT:
	case VJK_RESUME:
		run_action(j);
		break;
	case VJK_HOST_UUID:
		run_host_uuid(j);
		break;
	}
}
