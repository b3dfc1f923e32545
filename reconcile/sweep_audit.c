/*
 * sweep_audit.c -- the sweeper's writes to hawatch's audit table (S9): the
 * check that writes may start (schema ready, leadership held), one audit
 * row in its own transaction or inside the caller's, and for each action
 * on a domain two rows with their evidence JSON (everything the decision
 * and the act rested on): the request, committed before the act, and the
 * outcome after it.
 *
 * Leadership (S4): every write transaction re-checks it first: for the
 * daemon's sweep thread, the leader generation (fencing token) its
 * daemon leads under; otherwise the lock on this connection.
 *
 * Returns: 0 / -1 with err filled (names the statement).
 */
#include <stdio.h>
#include <string.h>

#include "hw_schema.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "util.h"

/* S4: the daemon's fencing token, or the lock on this connection */
static int
check_leader(struct db *db, const struct sweep_run_opts *o, char *err)
{
	if (o->leader_gen != 0)
		return db_check_generation(db, o->leader_gen, err);
	if (o->leader_lock == NULL)
		return 0;
	return db_check_holds_lock(db, o->leader_lock, err);
}

int
sweep_facts_prepare_writes(struct db *db, const struct sweep_run_opts *o,
    char *err)
{
	if (hw_schema_ensure(db, err) == -1)
		return -1;
	if (check_leader(db, o, err) == -1)
		return -1;
	return 0;
}

/* Inside an open transaction: leadership, then the audit row. */
int
sweep_audit_in_txn(struct db *db, const struct sweep_run_opts *o,
    const struct audit_row *a, uint64_t *id, char *err)
{
	struct sbuf	sb;
	int		rc;

	if (check_leader(db, o, err) == -1)
		return -1;
	sbuf_init(&sb);
	audit_insert_begin(db, &sb);
	audit_insert_row(db, &sb, 1, o->actor, o->command, a);
	rc = db_exec(db, "write audit", sb.s, NULL, err);
	sbuf_free(&sb);
	if (rc == 0 && id != NULL)
		*id = (uint64_t)mysql_insert_id(db->m);
	return rc;
}

int
sweep_facts_audit(struct db *db, const struct sweep_run_opts *o,
    const struct audit_row *a, uint64_t *id, char *err)
{
	if (id != NULL)
		*id = 0;
	if (db_begin(db, err) == -1)
		return -1;
	if (sweep_audit_in_txn(db, o, a, id, err) == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

static void
json_job(struct sbuf *ev, const struct dom_obs *o)
{
	uint64_t	pr, rem, tot;	/* the family that reports: disk, data */
	int		i;

	virt_progress_family(o, &pr, &rem, &tot);
	sbuf_add(ev, ",\"job\":{\"state\":\"%s\",\"type\":\"%s\",\"op\":\"%s\","
	    "\"elapsed_ms\":%llu,\"processed\":%llu,\"remaining\":%llu,"
	    "\"total\":%llu", virt_job_name(o->job),
	    virt_jobtype_name(o->job_type), virt_jobop_name(o->job_op),
	    (unsigned long long)o->job_elapsed_ms, (unsigned long long)pr,
	    (unsigned long long)rem, (unsigned long long)tot);
	virt_progress_json(ev, o);
	sbuf_add(ev, "},\"disk_errors\":");
	if (o->ndisk_errors < 0)
		sbuf_add(ev, "null");
	else {
		sbuf_add(ev, "[");
		for (i = 0; i < o->ndisk_errors; i++) {
			sbuf_add(ev, "%s{\"disk\":", i ? "," : "");
			sbuf_json_str(ev, o->disk_errors[i].disk);
			sbuf_add(ev, ",\"error\":");
			sbuf_json_str(ev, o->disk_errors[i].name);
			sbuf_add(ev, "}");
		}
		sbuf_add(ev, "]");
	}
}

static void
json_cs(struct sbuf *ev, const struct sweep_dom_report *d)
{
	const struct sweep_vm_facts	*f = &d->cs;

	sbuf_add(ev, ",\"cs\":");
	if (!d->db_known) {
		sbuf_add(ev, "null");
	} else if (!f->found) {
		sbuf_add(ev, "{\"found\":false}");
	} else {
		sbuf_add(ev, "{\"vm_id\":%llu,\"uuid\":",
		    (unsigned long long)f->vm_id);
		sbuf_json_str(ev, f->uuid);
		sbuf_add(ev, ",\"instance_name\":");
		sbuf_json_str(ev, f->instance_name);
		sbuf_add(ev, ",\"state\":");
		sbuf_json_str(ev, f->state);
		if (f->host_id)
			sbuf_add(ev, ",\"host_id\":%llu",
			    (unsigned long long)f->host_id);
		else
			sbuf_add(ev, ",\"host_id\":null");
		sbuf_add(ev, ",\"removed\":%s,\"snapshot\":", f->removed ?
		    "true" : "false");
		if (f->snapshot_id) {
			sbuf_add(ev, "{\"id\":%llu,\"state\":",
			    (unsigned long long)f->snapshot_id);
			sbuf_json_str(ev, f->snapshot_state);
			sbuf_add(ev, "}");
		} else
			sbuf_add(ev, "null");
		sbuf_add(ev, ",\"volume_snapshot\":");
		if (f->volsnap_id) {
			sbuf_add(ev, "{\"id\":%llu,\"volume_id\":%llu,"
			    "\"status\":", (unsigned long long)f->volsnap_id,
			    (unsigned long long)f->volsnap_volume_id);
			sbuf_json_str(ev, f->volsnap_state);
			sbuf_add(ev, "}");
		} else
			sbuf_add(ev, "null");
		sbuf_add(ev, "}");
	}
	sbuf_add(ev, ",\"backup\":");
	if (!f->backup_known) {
		sbuf_add(ev, "null");
		return;
	}
	sbuf_add(ev, "{\"id\":%llu,\"status\":", (unsigned long long)f->backup_id);
	sbuf_json_str(ev, f->backup_status);
	if (f->backup_age_known)
		sbuf_add(ev, ",\"age_s\":%llu", (unsigned long long)f->backup_age_s);
	else
		sbuf_add(ev, ",\"age_s\":null");
	sbuf_add(ev, ",\"removed\":%s}", f->backup_removed ? "true" : "false");
}

/* The audit evidence (S9): everything the decision and the act rested on;
 * before the act (requested) the result is null. */
static void
evidence(struct sbuf *ev, const struct sweep_host_report *h,
    const struct sweep_dom_report *d, const struct sweep_run_opts *o,
    int requested)
{
	sbuf_add(ev, "{\"host\":%u,\"ip\":", d->host_id);
	sbuf_json_str(ev, h != NULL ? h->ip : NULL);
	sbuf_add(ev, ",\"uri\":");
	sbuf_json_str(ev, h != NULL ? h->uri : NULL);
	sbuf_add(ev, ",\"domain\":");
	sbuf_json_str(ev, d->obs.name);
	sbuf_add(ev, ",\"uuid\":");
	sbuf_json_str(ev, d->obs.uuid);
	sbuf_add(ev, ",\"pause_reason\":\"%s\",\"marker\":\"%s\","
	    "\"optout_config\":%s", sweep_preason_name(d->obs.reason),
	    virt_marker_name(d->obs.marker), d->optout_config ? "true" :
	    "false");
	json_job(ev, &d->obs);
	json_cs(ev, d);
	sbuf_add(ev, ",\"decision\":{\"act\":\"%s\",\"why\":\"%s\","
	    "\"attempts\":%u,\"paused_ms\":%llu,\"grace_met_by_operator\":%s,"
	    "\"text\":", sweep_act_name(d->act.kind), sweep_why_name(d->act.why),
	    d->act.attempts, (unsigned long long)d->act.paused_ms,
	    o->grace_met ? "true" : "false");
	sbuf_json_str(ev, d->act.text);
	sbuf_add(ev, "}");
	if (d->request_audit_id != 0)
		sbuf_add(ev, ",\"request_audit_id\":%llu",
		    (unsigned long long)d->request_audit_id);
	sbuf_add(ev, ",\"result\":");
	if (requested) {
		sbuf_add(ev, "null}");
		return;
	}
	if (d->act.kind == SWA_GIVE_UP) {
		sbuf_add(ev, "\"alert\"}");
		return;
	}
	sbuf_add(ev, "{\"rc\":\"%s\",\"state\":", virt_rc_name(d->res.rc));
	sbuf_json_str(ev, d->res.state_name);
	sbuf_add(ev, ",\"reason\":");
	sbuf_json_str(ev, d->res.reason_name);
	sbuf_add(ev, ",\"elapsed_ms\":%llu,\"error\":",
	    (unsigned long long)d->res.elapsed_ms);
	sbuf_json_str(ev, d->res.err[0] ? d->res.err : NULL);
	sbuf_add(ev, "}}");
}

/* The outcome's audit action name. */
static const char *
audit_action(const struct sweep_dom_report *d)
{
	if (d->act.kind == SWA_GIVE_UP)
		return "vm.sweep_gave_up";
	if (d->act.kind == SWA_RESUME) {
		switch (d->res.rc) {
		case VIRT_RESUMED:	return "vm.resumed";
		case VIRT_REPAUSED:	return "vm.repaused";
		case VIRT_NOT_PAUSED:
		case VIRT_VANISHED:	return "vm.resume_not_needed";
		default:		return "vm.resume_failed";
		}
	}
	switch (d->res.rc) {
	case VIRT_OK:		return "vm.job_aborted";
	case VIRT_NO_JOB:
	case VIRT_VANISHED:	return "vm.job_abort_not_needed";
	default:		return "vm.job_abort_failed";
	}
}

void
sweep_facts_audit_dom(struct db *db, const struct sweep_run_opts *o,
    struct sweep_run_report *r, struct sweep_dom_report *d)
{
	const struct sweep_host_report	*h = NULL;
	struct audit_row		 a;
	struct sbuf			 ev;
	char				 before[64], after[64], e[ERR_LEN];
	char				 qe[ERR_LEN];
	size_t				 i;

	memset(&a, 0, sizeof(a));
	if ((a.action = audit_action(d)) == NULL)
		return;
	for (i = 0; i < r->nhosts; i++)
		if (r->hosts[i].host_id == d->host_id)
			h = &r->hosts[i];
	if (db == NULL) {
		set_err(d->note, "not audited: no database connection");
		r->n_audit_errors++;
		return;
	}
	snprintf(before, sizeof(before), "paused (%s)", d->obs.reason_name);
	if (d->res.state_name != NULL)
		snprintf(after, sizeof(after), "%s (%s)", d->res.state_name,
		    d->res.reason_name);
	a.host_id = d->host_id;
	a.vm_id = d->cs.vm_id;
	a.reason = sweep_why_name(d->act.why);
	a.before = before;
	a.after = d->res.state_name != NULL ? after : NULL;
	sbuf_init(&ev);
	evidence(&ev, h, d, o, 0);
	a.evidence = ev.s;
	if (sweep_facts_audit(db, o, &a, &d->audit_id, e) == -1) {
		set_err(d->note, "audit failed: %s", e);
		r->n_audit_errors++;
		log_err("audit.failed", "action=%s host=%u domain=%s error=%s",
		    a.action, d->host_id, d->obs.name,
		    log_quote(qe, sizeof(qe), e));
	}
	sbuf_free(&ev);
}

int
sweep_facts_audit_request(struct db *db, const struct sweep_run_opts *o,
    struct sweep_run_report *r, struct sweep_dom_report *d, char *err)
{
	const struct sweep_host_report	*h = NULL;
	struct audit_row		 a;
	struct sbuf			 ev;
	char				 before[64];
	size_t				 i;
	int				 rc;

	d->request_audit_id = 0;
	if (db == NULL) {
		set_err(err, "no database connection: the request cannot be "
		    "recorded");
		return -1;
	}
	for (i = 0; i < r->nhosts; i++)
		if (r->hosts[i].host_id == d->host_id)
			h = &r->hosts[i];
	snprintf(before, sizeof(before), "paused (%s)", d->obs.reason_name);
	memset(&a, 0, sizeof(a));
	a.action = d->act.kind == SWA_RESUME ? "vm.resume_requested" :
	    "vm.job_abort_requested";
	a.host_id = d->host_id;
	a.vm_id = d->cs.vm_id;
	a.reason = sweep_why_name(d->act.why);
	a.before = before;
	sbuf_init(&ev);
	evidence(&ev, h, d, o, 1);
	a.evidence = ev.s;
	rc = sweep_facts_audit(db, o, &a, &d->request_audit_id, err);
	sbuf_free(&ev);
	return rc;
}
