/*
 * sweep_backups.c -- step 5 of a sweep: CloudStack `backups` rows left in
 * BackingUp for longer than sweep.backup_timeout, each joined with the
 * run's libvirt observations and judged by the core's rules
 * (src/core/backup_rules.h), and reaped when they say so: status
 * BackingUp -> Error plus its audit row, one transaction.  A backup row is
 * only ever moved from BackingUp to Error (WHERE id = ? AND status =
 * 'BackingUp'), never deleted.
 *
 * Returns: 0 / -1 with err filled (names the statement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "util.h"

static void
cpy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
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
	if (sweep_audit_in_txn(db, o, a, audit_id, err) == -1)
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

/* The job as the core names it (virt_obs_to_sweep()'s mapping). */
static enum sweep_job
bk_job(const struct dom_obs *o)
{
	struct sweep_dom	sd;

	memset(&sd, 0, sizeof(sd));
	virt_obs_to_sweep(o, &sd);
	return sd.job;
}

/*
 * Join the row with the run's observations (its VM's host, the paused or
 * running domain of that VM there: by name or uuid) and ask the core's
 * rule.  *dp: the paused domain, *rp: the running one (backup_states.c).
 */
static enum sweep_bk_verdict
bk_classify(const struct sweep_run_report *r,
    const struct sweep_backup_report *b, const struct sweep_dom_report **dp,
    const struct dom_obs **rp)
{
	const struct sweep_dom_report	*d;
	struct backup_look		 look;
	size_t				 i;

	*dp = NULL;
	*rp = NULL;
	memset(&look, 0, sizeof(look));
	look.host_id = b->host_id;
	for (i = 0; i < r->nhosts; i++)
		if (r->hosts[i].host_id == b->host_id)
			look.host_observed = r->hosts[i].observed;
	for (i = 0; look.host_observed && i < r->ndoms; i++) {
		d = &r->doms[i];
		if (d->host_id == b->host_id &&
		    (strcmp(d->obs.name, b->instance_name) == 0 ||
		    strcasecmp(d->obs.uuid, b->vm_uuid) == 0)) {
			*dp = d;
			look.dom_paused = 1;
			look.job = bk_job(&d->obs);
			break;
		}
	}
	if (look.host_observed && !look.dom_paused &&
	    (*rp = sweep_running_find(r, b->host_id, b->instance_name,
	    b->vm_uuid)) != NULL) {
		look.dom_running = 1;	/* running again: its job too */
		look.job = bk_job(*rp);
	}
	return backup_rule_classify(&look);
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
    struct sweep_backup_report *b, const struct sweep_dom_report *d,
    const struct dom_obs *running)
{
	struct audit_row	a;
	struct sbuf		ev;
	int			changed, failed;

	memset(&a, 0, sizeof(a));
	a.action = "backup.reaped";
	a.host_id = b->host_id;
	a.vm_id = b->vm_id;
	a.reason = "stale BackingUp, no job on the host";	/* paused or running */
	a.before = "BackingUp";
	a.after = "Error";
	sbuf_init(&ev);
	bk_evidence(&ev, b, d, running, cfg->backup_timeout_ms);
	a.evidence = ev.s;
	failed = sweep_facts_reap_backup(db, o, b->id, &a, &changed,
	    &b->audit_id, b->note) == -1;
	switch ((b->verdict = backup_rule_outcome(failed, changed))) {
	case SBK_ERROR:
		r->n_audit_errors++;
		break;
	case SBK_RACED:
		set_err(b->note, "no longer BackingUp: left alone");
		break;
	default:
		r->n_reaped++;
		break;
	}
	sbuf_free(&ev);
}

/* Why a row that is not reapable is kept. */
static void
bk_keep_note(struct sweep_backup_report *b, const struct sweep_dom_report *d,
    const struct dom_obs *running)
{
	switch (b->verdict) {
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
		set_err(b->note, "the %s domain has a job (%s)",
		    d != NULL ? "paused" : "running",
		    virt_job_name(d != NULL ? d->obs.job : running != NULL ?
		    running->job : VJ_ERROR));
		break;
	default:
		break;
	}
}

static void
bk_log(const struct sweep_backup_report *b)
{
	char	q[ERR_LEN];

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

void
sweep_facts_backups(struct db *db, const struct sweep_config *cfg,
    const struct sweep_run_opts *o, int writes_ready,
    struct sweep_run_report *r)
{
	const struct sweep_dom_report	*d;
	const struct dom_obs		*run;
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
		b->verdict = bk_classify(r, b, &d, &run);
		switch (backup_rule_next(b->verdict, cfg->reap_stale_backups,
		    r->acting)) {
		case BKN_REAP_OFF:
			b->verdict = SBK_REAP_OFF;
			set_err(b->note, "no job on the host; "
			    "sweep.reap_stale_backups is off");
			break;
		case BKN_COUNT_WOULD:
			r->n_reaped++;		/* would */
			break;
		case BKN_REAP:
			if (!writes_ready && sweep_facts_prepare_writes(db,
			    o, b->note) == -1) {
				b->verdict = SBK_ERROR;
				r->n_audit_errors++;
			} else {
				writes_ready = 1;
				bk_reap(db, cfg, o, r, b, d, run);
			}
			break;
		case BKN_KEEP:
			bk_keep_note(b, d, run);
			break;
		}
		bk_log(b);
	}
}
