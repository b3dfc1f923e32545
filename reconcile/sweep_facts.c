/*
 * sweep_facts.c -- the paused-domain sweeper's database side: CloudStack's
 * facts about the paused domains, stale backup rows (read, judged against
 * the run's observations, reaped), and the sweeper's writes: audit rows
 * with their evidence JSON, reaping a backup row.
 *
 * Where it sits: reconcile/sweep.c calls these between observing libvirt
 * and deciding (facts), and after executing (audit, reap); cmd_sweep.c
 * reads the hosts.  Reads are a constant number of statements per run,
 * never one per VM; every statement is bounded by the session's timeouts.
 *
 * Facts per paused domain (CloudStack names a KVM domain by
 * vm_instance.instance_name and gives it the VM's uuid; either matches,
 * the name first):
 *   state, host_id, removed        "Running here" is decided by the caller
 *   a vm_snapshots row in Creating, Reverting or Expunging (removed NULL)
 *   a snapshots row (volume snapshot) of one of its attached volumes in
 *   Creating, CreatedOnPrimary, BackingUp or Copying (removed NULL)
 *   the latest backups row (by id, any status) with its age from `date`
 *
 * Writes: each in its own transaction, with the audit row in the same
 * transaction as the change (S9), re-checking leadership first when the
 * caller gives a lock (S4).  A backup row is only ever moved from
 * BackingUp to Error (WHERE id = ? AND status = 'BackingUp'), never
 * deleted.
 *
 * Returns: 0 / -1 with err filled (names the statement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hw_schema.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "util.h"

/* vm_snapshots states that mean a VM snapshot operation is under way */
#define SNAPSHOT_BUSY_STATES	"'Creating', 'Reverting', 'Expunging'"
/* snapshots (volume snapshot) states of an operation under way, from
 * Snapshot.State: taking it, or copying it off primary storage */
#define VOLSNAP_BUSY_STATES	"'Creating', 'CreatedOnPrimary', 'BackingUp', " \
				"'Copying'"

static void
cpy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
sweep_facts_hosts(struct db *db, struct sweep_cs_host **out, size_t *n,
    char *err)
{
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	struct sweep_cs_host	*h;
	char			 sql[512], t[160];
	size_t			 cap;

	*out = NULL;
	*n = 0;
	snprintf(sql, sizeof(sql), "SELECT id, name, private_ip_address, "
	    "status, resource_state FROM %s WHERE removed IS NULL AND type = "
	    "'Routing' AND hypervisor_type = 'KVM' ORDER BY id",
	    cs_table(db, "host", t, sizeof(t)));
	if ((res = db_query(db, "read KVM hosts", sql, err)) == NULL)
		return -1;
	cap = (size_t)mysql_num_rows(res);
	*out = xcalloc(cap ? cap : 1, sizeof(**out));
	while ((row = mysql_fetch_row(res)) != NULL) {
		h = &(*out)[(*n)++];
		h->id = (uint32_t)row_u64(row, 0, 0);
		cpy(h->name, sizeof(h->name), row[1]);
		cpy(h->ip, sizeof(h->ip), row[2]);
		cpy(h->status, sizeof(h->status), row[3]);
		cpy(h->resource_state, sizeof(h->resource_state), row[4]);
	}
	mysql_free_result(res);
	return 0;
}

static void
fill_vm(struct sweep_vm_facts *f, MYSQL_ROW row)
{
	memset(f, 0, sizeof(*f));
	f->found = 1;
	f->vm_id = row_u64(row, 0, 0);
	cpy(f->uuid, sizeof(f->uuid), row[1]);
	cpy(f->instance_name, sizeof(f->instance_name), row[2]);
	cpy(f->state, sizeof(f->state), row[3]);
	f->host_id = row_u64(row, 4, 0);
	f->removed = strcmp(row_str(row, 5, "0"), "1") == 0;
	f->snapshot_id = row_u64(row, 6, 0);
	cpy(f->snapshot_state, sizeof(f->snapshot_state), row[7]);
	if (row[8] != NULL) {
		f->backup_known = 1;
		f->backup_id = row_u64(row, 8, 0);
		cpy(f->backup_status, sizeof(f->backup_status), row[9]);
		if (row[10] != NULL) {
			f->backup_age_known = 1;
			/* a date in the future (clock skew) counts as age 0 */
			f->backup_age_s = row[10][0] == '-' ? 0 :
			    row_u64(row, 10, 0);
		}
		f->backup_removed = strcmp(row_str(row, 11, "0"), "1") == 0;
	}
	f->volsnap_id = row_u64(row, 12, 0);	/* a volume snapshot under way */
	cpy(f->volsnap_state, sizeof(f->volsnap_state), row[13]);
	f->volsnap_volume_id = row_u64(row, 14, 0);
}

int
sweep_facts_vms(struct db *db, const char *const *names,
    const char *const *uuids, size_t n, struct sweep_vm_facts *out,
    char *err)
{
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	struct sweep_vm_facts	*rows = NULL;
	struct sbuf		 sb;
	char			 tv[160], ts[160], tb[160], tn[160], tvo[160];
	size_t			 i, j, nrows = 0, cap;
	int			 by_uuid;

	memset(out, 0, n * sizeof(*out));
	if (n == 0)
		return 0;
	sbuf_init(&sb);
	cs_table(db, "vm_instance", tv, sizeof(tv));
	cs_table(db, "vm_snapshots", ts, sizeof(ts));
	cs_table(db, "backups", tb, sizeof(tb));
	cs_table(db, "snapshots", tn, sizeof(tn));
	cs_table(db, "volumes", tvo, sizeof(tvo));
	sbuf_add(&sb, "SELECT v.id, v.uuid, v.instance_name, v.state, "
	    "v.host_id, v.removed IS NOT NULL, s.id, s.state, b.id, b.status, "
	    "TIMESTAMPDIFF(SECOND, b.`date`, UTC_TIMESTAMP()), "
	    "b.removed IS NOT NULL, n.id, n.status, n.volume_id FROM %s v "
	    "LEFT JOIN %s s ON s.id = (SELECT MAX(s2.id) FROM %s s2 WHERE "
	    "s2.vm_id = v.id AND s2.removed IS NULL AND s2.state IN ("
	    SNAPSHOT_BUSY_STATES ")) "
	    "LEFT JOIN %s b ON b.id = (SELECT MAX(b2.id) FROM %s b2 WHERE "
	    "b2.vm_id = v.id) ", tv, ts, ts, tb, tb);
	/* a volume snapshot of any volume attached to the VM (issue 12) */
	sbuf_add(&sb, "LEFT JOIN %s n ON n.id = (SELECT MAX(n2.id) FROM %s n2 "
	    "JOIN %s vo ON vo.id = n2.volume_id WHERE vo.instance_id = v.id "
	    "AND vo.removed IS NULL AND n2.removed IS NULL AND n2.status IN ("
	    VOLSNAP_BUSY_STATES ")) WHERE v.instance_name IN (", tn, tn, tvo);
	for (i = 0; i < n; i++) {
		sbuf_add(&sb, "%s", i ? ", " : "");
		db_quote(db, &sb, names[i]);
	}
	sbuf_add(&sb, ") OR v.uuid IN (");
	for (i = 0; i < n; i++) {
		sbuf_add(&sb, "%s", i ? ", " : "");
		db_quote(db, &sb, uuids[i]);
	}
	/* a live row wins over a removed one with the same name */
	sbuf_add(&sb, ") ORDER BY v.removed IS NULL DESC, v.id DESC");
	res = db_query(db, "read VM facts for paused domains", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	cap = (size_t)mysql_num_rows(res);
	rows = xcalloc(cap ? cap : 1, sizeof(*rows));
	while ((row = mysql_fetch_row(res)) != NULL)
		fill_vm(&rows[nrows++], row);
	mysql_free_result(res);

	for (i = 0; i < n; i++) {
		/* by name first, then by uuid; rows are in preference order */
		for (by_uuid = 0; by_uuid < 2 && !out[i].found; by_uuid++)
			for (j = 0; j < nrows; j++) {
				if (by_uuid ? strcasecmp(rows[j].uuid,
				    uuids[i]) != 0 : strcmp(rows[j].instance_name,
				    names[i]) != 0)
					continue;
				out[i] = rows[j];
				break;
			}
	}
	free(rows);
	return 0;
}

int
sweep_facts_stale_backups(struct db *db, uint64_t older_than_ms,
    struct sweep_backup_report **out, size_t *n, char *err)
{
	MYSQL_RES			*res;
	MYSQL_ROW			 row;
	struct sweep_backup_report	*b;
	char				 sql[1024], tb[160], tv[160];
	size_t				 cap;

	*out = NULL;
	*n = 0;
	snprintf(sql, sizeof(sql), "SELECT b.id, b.uuid, b.vm_id, b.`date`, "
	    "TIMESTAMPDIFF(SECOND, b.`date`, UTC_TIMESTAMP()), "
	    "v.instance_name, v.uuid, v.state, v.host_id FROM %s b JOIN %s v "
	    "ON v.id = b.vm_id WHERE b.status = 'BackingUp' AND b.removed IS "
	    "NULL AND b.`date` IS NOT NULL AND b.`date` < UTC_TIMESTAMP() - "
	    "INTERVAL %llu SECOND ORDER BY b.id",
	    cs_table(db, "backups", tb, sizeof(tb)),
	    cs_table(db, "vm_instance", tv, sizeof(tv)),
	    (unsigned long long)(older_than_ms / 1000));
	if ((res = db_query(db, "read stale backups", sql, err)) == NULL)
		return -1;
	cap = (size_t)mysql_num_rows(res);
	*out = xcalloc(cap ? cap : 1, sizeof(**out));
	while ((row = mysql_fetch_row(res)) != NULL) {
		b = &(*out)[(*n)++];
		b->id = row_u64(row, 0, 0);
		cpy(b->uuid, sizeof(b->uuid), row[1]);
		b->vm_id = row_u64(row, 2, 0);
		cpy(b->date, sizeof(b->date), row[3]);
		b->age_s = row_u64(row, 4, 0);
		cpy(b->instance_name, sizeof(b->instance_name), row[5]);
		cpy(b->vm_uuid, sizeof(b->vm_uuid), row[6]);
		cpy(b->vm_state, sizeof(b->vm_state), row[7]);
		b->host_id = row_u64(row, 8, 0);
	}
	mysql_free_result(res);
	return 0;
}

/* S4: the lock on this connection, or on the daemon's main connection */
static int
check_leader(struct db *db, const struct sweep_run_opts *o, char *err)
{
	if (o->leader_lock == NULL)
		return 0;
	if (o->leader_conn_id != 0)
		return db_check_lock_owner(db, o->leader_lock,
		    o->leader_conn_id, err);
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
static int
audit_in_txn(struct db *db, const struct sweep_run_opts *o,
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
	if (audit_in_txn(db, o, a, id, err) == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, err);
}

int
sweep_facts_reap_backup(struct db *db, const struct sweep_run_opts *o,
    uint64_t backup_id, const struct audit_row *a, int *changed,
    uint64_t *audit_id, char *err)
{
	unsigned long long	affected = 0;
	char			sql[512], t[160];

	*changed = 0;
	*audit_id = 0;
	if (db_begin(db, err) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "UPDATE %s SET status = 'Error' WHERE id = "
	    "%llu AND status = 'BackingUp' AND removed IS NULL",
	    cs_table(db, "backups", t, sizeof(t)),
	    (unsigned long long)backup_id);
	if (db_exec(db, "reap stale backup", sql, &affected, err) == -1)
		goto fail;
	if (affected == 0) {		/* CloudStack moved it meanwhile */
		db_rollback(db);
		return 0;
	}
	if (audit_in_txn(db, o, a, audit_id, err) == -1)
		goto fail;
	if (db_commit(db, err) == -1) {
		*audit_id = 0;
		return -1;
	}
	*changed = 1;
	return 0;
fail:
	*audit_id = 0;
	db_rollback(db);
	return -1;
}

/* --- stale backups ------------------------------------------------------ */

/*
 * Is the backup's VM provably without a job?  SBK_WOULD_REAP means yes:
 * its host was observed and the domain is paused or running there with no
 * job (or a driver without a job API); backup_states.c judges the running
 * ones.
 */
static enum sweep_bk_verdict
bk_classify(const struct sweep_run_report *r,
    const struct sweep_backup_report *b, const struct sweep_dom_report **dp)
{
	const struct sweep_dom_report	*d;
	size_t				 i;

	*dp = NULL;
	if (b->host_id == 0)
		return SBK_NO_HOST;
	for (i = 0; i < r->nhosts; i++)
		if (r->hosts[i].host_id == b->host_id)
			break;
	if (i == r->nhosts || !r->hosts[i].observed)
		return SBK_HOST_UNOBSERVED;
	for (i = 0; i < r->ndoms; i++) {
		d = &r->doms[i];
		if (d->host_id == b->host_id &&
		    (strcmp(d->obs.name, b->instance_name) == 0 ||
		    strcasecmp(d->obs.uuid, b->vm_uuid) == 0)) {
			*dp = d;
			return d->obs.job == VJ_NONE ||
			    d->obs.job == VJ_UNSUPPORTED ? SBK_WOULD_REAP :
			    SBK_JOB_ACTIVE;
		}
	}
	return sweep_bk_classify_running(r, b);	/* running: its job too */
}

static void
bk_evidence(struct sbuf *ev, const struct sweep_backup_report *b,
    const struct sweep_dom_report *d, const struct dom_obs *running,
    uint64_t timeout_ms)
{
	sbuf_add(ev, "{\"backup\":{\"id\":%llu,\"uuid\":",
	    (unsigned long long)b->id);
	sbuf_json_str(ev, b->uuid);
	sbuf_add(ev, ",\"status\":\"BackingUp\",\"date\":");
	sbuf_json_str(ev, b->date);
	sbuf_add(ev, ",\"age_s\":%llu},\"backup_timeout_s\":%llu,\"vm\":"
	    "{\"id\":%llu,\"instance_name\":", (unsigned long long)b->age_s,
	    (unsigned long long)(timeout_ms / 1000),
	    (unsigned long long)b->vm_id);
	sbuf_json_str(ev, b->instance_name);
	sbuf_add(ev, ",\"uuid\":");
	sbuf_json_str(ev, b->vm_uuid);
	sbuf_add(ev, ",\"state\":");
	sbuf_json_str(ev, b->vm_state);
	sbuf_add(ev, ",\"host_id\":%llu},\"domain\":",
	    (unsigned long long)b->host_id);
	if (d == NULL && running != NULL) {	/* a running domain's job */
		sbuf_add(ev, "{\"name\":");
		sbuf_json_str(ev, running->name);
		sbuf_add(ev, ",\"state\":\"running\",\"job\":\"%s\","
		    "\"job_note\":", virt_job_name(running->job));
		sbuf_json_str(ev, running->note[0] ? running->note : NULL);
		sbuf_add(ev, "}}");
		return;
	}
	if (d == NULL) {
		sbuf_add(ev, "null}");
		return;
	}
	sbuf_add(ev, "{\"name\":");
	sbuf_json_str(ev, d->obs.name);
	sbuf_add(ev, ",\"state\":\"paused\",\"reason\":\"%s\",\"job\":\"%s\","
	    "\"job_note\":", sweep_preason_name(d->obs.reason),
	    virt_job_name(d->obs.job));
	sbuf_json_str(ev, d->obs.note[0] ? d->obs.note : NULL);
	sbuf_add(ev, "}}");
}

static void
bk_reap(struct db *db, const struct sweep_config *cfg,
    const struct sweep_run_opts *o, struct sweep_run_report *r,
    struct sweep_backup_report *b, const struct sweep_dom_report *d)
{
	struct audit_row	a;
	struct sbuf		ev;
	int			changed;

	memset(&a, 0, sizeof(a));
	a.action = "backup.reaped";
	a.host_id = b->host_id;
	a.vm_id = b->vm_id;
	a.reason = "stale BackingUp, no job on the host";	/* paused or running */
	a.before = "BackingUp";
	a.after = "Error";
	sbuf_init(&ev);
	bk_evidence(&ev, b, d, d != NULL ? NULL : sweep_running_find(r,
	    b->host_id, b->instance_name, b->vm_uuid), cfg->backup_timeout_ms);
	a.evidence = ev.s;
	if (sweep_facts_reap_backup(db, o, b->id, &a, &changed, &b->audit_id,
	    b->note) == -1) {
		b->verdict = SBK_ERROR;
		r->n_audit_errors++;
	} else if (!changed) {
		b->verdict = SBK_RACED;
		set_err(b->note, "no longer BackingUp: left alone");
	} else {
		b->verdict = SBK_REAPED;
		r->n_reaped++;
	}
	sbuf_free(&ev);
}

void
sweep_facts_backups(struct db *db, const struct sweep_config *cfg,
    const struct sweep_run_opts *o, int writes_ready,
    struct sweep_run_report *r)
{
	const struct sweep_dom_report	*d;
	struct sweep_backup_report	*b;
	size_t				 i;
	char				 q[ERR_LEN];

	if (db == NULL) {
		set_err(r->backups_err, "no database connection");
		return;
	}
	if (sweep_facts_stale_backups(db, cfg->backup_timeout_ms, &r->backups,
	    &r->nbackups, r->backups_err) == -1) {
		log_err("backup.read_failed", "error=%s",
		    log_quote(q, sizeof(q), r->backups_err));
		return;
	}
	r->backups_ok = 1;
	for (i = 0; i < r->nbackups; i++) {
		b = &r->backups[i];
		r->n_stale++;
		b->verdict = bk_classify(r, b, &d);
		switch (b->verdict) {
		case SBK_WOULD_REAP:
			if (!cfg->reap_stale_backups) {
				b->verdict = SBK_REAP_OFF;
				set_err(b->note, "no job on the host; "
				    "sweep.reap_stale_backups is off");
			} else if (!r->acting)
				r->n_reaped++;		/* would */
			else if (!writes_ready && sweep_facts_prepare_writes(db,
			    o, b->note) == -1) {
				b->verdict = SBK_ERROR;
				r->n_audit_errors++;
			} else {
				writes_ready = 1;
				bk_reap(db, cfg, o, r, b, d);
			}
			break;
		case SBK_NOT_PAUSED:
			set_err(b->note, "domain not paused on host %llu: its "
			    "job is not observed, so the row is kept",
			    (unsigned long long)b->host_id);
			break;
		case SBK_NO_DOMAIN:
			set_err(b->note, "the domain is neither running nor "
			    "paused on host %llu: the row is kept",
			    (unsigned long long)b->host_id);
			break;
		case SBK_HOST_UNOBSERVED:
			set_err(b->note, "host %llu not observed this run",
			    (unsigned long long)b->host_id);
			break;
		case SBK_NO_HOST:
			set_err(b->note, "CloudStack records no host for the "
			    "VM (%s)", b->vm_state);
			break;
		case SBK_JOB_ACTIVE:
			set_err(b->note, "the domain has a job (%s)",
			    d != NULL ? virt_job_name(d->obs.job) : "?");
			break;
		default:
			break;
		}
		log_msg(b->verdict == SBK_REAPED ? LOG_LVL_WARN : LOG_LVL_INFO,
		    b->verdict == SBK_REAPED ? "backup.reaped" : "backup.stale",
		    "backup=%llu vm=%s host=%llu age_s=%llu verdict=%s "
		    "audit=%llu note=%s", (unsigned long long)b->id,
		    b->instance_name, (unsigned long long)b->host_id,
		    (unsigned long long)b->age_s,
		    sweep_bk_verdict_name(b->verdict),
		    (unsigned long long)b->audit_id,
		    log_quote(q, sizeof(q), b->note));
	}
}

/* --- audit rows for executed actions ----------------------------------- */

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

/* The audit evidence (S9): everything the decision and the act rested on. */
static void
evidence(struct sbuf *ev, const struct sweep_host_report *h,
    const struct sweep_dom_report *d, const struct sweep_run_opts *o)
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
	sbuf_add(ev, "},\"result\":");
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

/* Audit action name, or NULL when nothing was touched. */
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
		case VIRT_VANISHED:	return NULL;
		default:		return "vm.resume_failed";
		}
	}
	switch (d->res.rc) {
	case VIRT_OK:		return "vm.job_aborted";
	case VIRT_NO_JOB:
	case VIRT_VANISHED:	return NULL;
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
	evidence(&ev, h, d, o);
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
sweep_bk_verdict_name(enum sweep_bk_verdict v)
{
	switch (v) {
	case SBK_REAPED:		return "reaped";
	case SBK_WOULD_REAP:		return "would-reap";
	case SBK_REAP_OFF:		return "reap-off";
	case SBK_RACED:			return "raced";
	case SBK_JOB_ACTIVE:		return "job-active";
	case SBK_NOT_PAUSED:		return "not-paused";
	case SBK_HOST_UNOBSERVED:	return "host-unobserved";
	case SBK_NO_HOST:		return "no-host";
	case SBK_ERROR:			return "error";
	case SBK_NO_DOMAIN:		return "no-domain";
	}
	/* NOTREACHED */
	return "invalid";
}
