/*
 * restart_assurance.c -- restart assurance's writes (contract in
 * restart_assurance.h): remember the HA rows the reconcile queues, and
 * per pass heal, re-queue, give up or resolve, in one leader-checked
 * transaction.  The reads are restart_facts.c's, the decisions the core's
 * (src/core/restart_rules.h).
 *
 * CloudStack's rows written here, as CloudStack writes them:
 *   heal      UPDATE op_ha_work SET step = 'Scheduled' WHERE id = <row>
 *             AND step = 'Investigating' AND mgmt_server_id IS NULL AND
 *             taken IS NULL (the step restart() itself sets after its
 *             Investigating phase);
 *   re-queue  op_ha_work: instance_id, type 'HA', vm_type, state
 *             'Stopped', mgmt_server_id NULL, host_id <fenced host>,
 *             created UTC now, tried <re-queue number>, taken NULL, step
 *             'Scheduled', time_to_try <unix ms >> 10>, updated <the VM's
 *             update_count, unchanged since hawatch's write>, reason
 *             'HostDown' -- the reconcile's own row (vm_apply.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_schema.h"
#include "restart_assurance.h"
#include "util.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))
#define HWT(db, name, buf)	hw_table(db, name, buf, sizeof(buf))

void
ra_result_free(struct ra_result *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

int
restart_track(struct db *db, const struct rec_result *r, char *err)
{
	struct sbuf	sb;
	char		t[160];
	size_t		i, n = 0;
	int		rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (vm_id, ha_work_id, host_id, "
	    "update_count, requeues, heals, first_queued_at, last_queued_at, "
	    "status, given_up, verdict, reason, ended_at) VALUES ",
	    HWT(db, "ha_requeue", t));
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		if (v->outcome != VMO_REQUEUED || v->ha_work_id == 0)
			continue;
		sbuf_add(&sb, "%s(%llu, %llu, %llu, %llu, 0, 0, "
		    "UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 'watching', 0, NULL, "
		    "NULL, NULL)", n++ ? ", " : "", (unsigned long long)v->id,
		    (unsigned long long)v->ha_work_id,
		    (unsigned long long)r->host_id,
		    (unsigned long long)v->update_count_after);
	}
	/* a VM fenced again starts a new watch */
	sbuf_add(&sb, " ON DUPLICATE KEY UPDATE ha_work_id = "
	    "VALUES(ha_work_id), host_id = VALUES(host_id), update_count = "
	    "VALUES(update_count), requeues = 0, heals = 0, first_queued_at = "
	    "VALUES(first_queued_at), last_queued_at = VALUES(last_queued_at), "
	    "status = 'watching', given_up = 0, verdict = NULL, reason = NULL, "
	    "ended_at = NULL");
	rc = n == 0 ? 0 : db_exec(db, "remember queued HA rows", sb.s, NULL,
	    err);
	sbuf_free(&sb);
	return rc;
}

static enum restart_verdict
decide(struct ra_vm *v, int force_ha, const struct ra_opts *o)
{
	struct restart_facts	f;
	struct restart_limits	l = { o->requeue_max, o->requeue_after_ms };

	ra_facts(v, force_ha, &f);
	v->verdict = restart_rule_decide(&f, &l);
	/* a given-up watch only ends when the VM is back or gone */
	if (strcmp(v->status, "given_up") == 0 &&
	    (!restart_verdict_final(v->verdict) ||
	    restart_verdict_alerts(v->verdict)))
		v->verdict = RV_GIVE_UP;
	ra_explain(v, o);
	return v->verdict;
}

/* does the pass write anything for v? */
static int
needs_write(const struct ra_vm *v)
{
	if (restart_verdict_writes(v->verdict))
		return 1;
	if (strcmp(v->status, "given_up") == 0)
		return restart_verdict_final(v->verdict) &&
		    !restart_verdict_alerts(v->verdict);
	return restart_verdict_final(v->verdict);
}

static int
heal(struct db *db, struct ra_vm *v, char *err)
{
	unsigned long long	n;
	char			sql[512], t[160];

	snprintf(sql, sizeof(sql), "UPDATE %s SET step = 'Scheduled' WHERE "
	    "id = %llu AND step = 'Investigating' AND mgmt_server_id IS NULL "
	    "AND taken IS NULL", TBL(db, "op_ha_work", t),
	    (unsigned long long)v->ha_work_id);
	if (db_exec(db, "heal HA row", sql, &n, err) == -1)
		return -1;
	if (n != 1) {
		set_err(err, "VM %llu: healing HA row %llu matched %llu rows "
		    "under its lock; rolled back", (unsigned long long)v->vm_id,
		    (unsigned long long)v->ha_work_id, n);
		return -1;
	}
	snprintf(sql, sizeof(sql), "UPDATE %s SET heals = heals + 1, verdict "
	    "= 'heal' WHERE vm_id = %llu", HWT(db, "ha_requeue", t),
	    (unsigned long long)v->vm_id);
	return db_exec(db, "record heal", sql, NULL, err);
}

static int
requeue(struct db *db, struct ra_vm *v, const struct ra_opts *o, char *err)
{
	struct sbuf	sb;
	char		t[160];
	int		rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (instance_id, type, vm_type, state, "
	    "mgmt_server_id, host_id, created, tried, taken, step, "
	    "time_to_try, updated, reason) VALUES (%llu, 'HA', ",
	    TBL(db, "op_ha_work", t), (unsigned long long)v->vm_id);
	db_quote(db, &sb, v->vm_type);
	/* time_to_try is CloudStack's ms >> 10, not seconds */
	sbuf_add(&sb, ", 'Stopped', NULL, %llu, UTC_TIMESTAMP(), %u, NULL, "
	    "'Scheduled', %llu, %llu, 'HostDown')",
	    (unsigned long long)v->host_id, v->requeues + 1,
	    (unsigned long long)(o->now_wall_ms >> 10),
	    (unsigned long long)v->vm_uc);
	rc = db_exec(db, "re-queue HA work", sb.s, NULL, err);
	sbuf_free(&sb);
	if (rc == -1)
		return -1;
	v->new_ha_work_id = mysql_insert_id(db->m);
	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE %s SET ha_work_id = %llu, requeues = requeues + "
	    "1, last_queued_at = UTC_TIMESTAMP(3), verdict = 'requeue' WHERE "
	    "vm_id = %llu", HWT(db, "ha_requeue", t),
	    (unsigned long long)v->new_ha_work_id,
	    (unsigned long long)v->vm_id);
	rc = db_exec(db, "record re-queue", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

static int
finish(struct db *db, struct ra_vm *v, char *err)
{
	struct sbuf	sb;
	char		t[160];
	int		rc;

	sbuf_init(&sb);
	/* given_up stays 1 once set: the alert was raised */
	sbuf_add(&sb, "UPDATE %s SET status = '%s', given_up = GREATEST("
	    "given_up, %d), verdict = "
	    "'%s', reason = ", HWT(db, "ha_requeue", t),
	    restart_verdict_status(v->verdict),
	    restart_verdict_alerts(v->verdict),
	    restart_verdict_name(v->verdict));
	db_quote(db, &sb, v->reason);
	sbuf_add(&sb, ", ended_at = UTC_TIMESTAMP(3) WHERE vm_id = %llu",
	    (unsigned long long)v->vm_id);
	rc = db_exec(db, "end restart watch", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

static void
evidence(struct sbuf *ev, const struct ra_vm *v, int force_ha)
{
	sbuf_reset(ev);
	sbuf_add(ev, "{\"vm\":");
	sbuf_json_str(ev, v->instance_name);
	sbuf_add(ev, ",\"state\":");
	sbuf_json_str(ev, v->vm_present ? v->vm_state : NULL);
	sbuf_add(ev, ",\"update_count\":%llu,\"update_count_written\":%llu,"
	    "\"last_host_id\":%llu,\"fenced_host\":%llu,\"ha_work_id\":%llu,"
	    "\"row_step\":", (unsigned long long)v->vm_uc,
	    (unsigned long long)v->uc_written,
	    (unsigned long long)v->vm_last_host,
	    (unsigned long long)v->host_id,
	    (unsigned long long)v->ha_work_id);
	sbuf_json_str(ev, v->row_present ? v->row_step : NULL);
	sbuf_add(ev, ",\"row_claimed\":%s,\"requeues\":%u,\"heals\":%u,"
	    "\"ha_enabled\":%s,\"force_ha\":%s,\"zone_ha_enabled\":%s,"
	    "\"local_storage\":%s,\"other_pending_ha\":%u,\"work_job\":%s,"
	    "\"verdict\":\"%s\",\"reason\":", v->row_claimed ? "true" : "false",
	    v->requeues, v->heals, v->ha_enabled ? "true" : "false",
	    force_ha ? "true" : "false", v->zone_ha_enabled ? "true" : "false",
	    v->local_storage ? "true" : "false", v->other_pending,
	    v->work_job ? "true" : "false", restart_verdict_name(v->verdict));
	sbuf_json_str(ev, v->reason);
	sbuf_add(ev, "}");
}

static const char *
audit_action(enum restart_verdict v)
{
	switch (v) {
	case RV_HEAL:
		return "vm.restart_healed";
	case RV_REQUEUE:
		return "vm.restart_requeued";
	default:
		return restart_verdict_alerts(v) ? "vm.restart_given_up" :
		    "vm.restart_resolved";
	}
}

static int
audit(struct db *db, const struct ra_result *r, const struct ra_opts *o,
    char *err)
{
	struct sbuf		sb, ev;
	struct audit_row	a;
	size_t			i;
	int			first = 1, rc;

	sbuf_init(&sb);
	sbuf_init(&ev);
	audit_insert_begin(db, &sb);
	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];

		if (!v->written)
			continue;
		evidence(&ev, v, r->force_ha);
		memset(&a, 0, sizeof(a));
		a.action = audit_action(v->verdict);
		a.host_id = v->host_id;
		a.vm_id = v->vm_id;
		a.ha_work_id = v->new_ha_work_id ? v->new_ha_work_id :
		    v->ha_work_id;
		a.reason = restart_verdict_name(v->verdict);
		a.before = v->row_present ? v->row_step : "gone";
		a.after = v->verdict == RV_HEAL || v->verdict == RV_REQUEUE ?
		    "Scheduled" : restart_verdict_status(v->verdict);
		a.evidence = ev.s;
		audit_insert_row(db, &sb, first, o->actor, o->command, &a);
		first = 0;
	}
	rc = first ? 0 : db_exec(db, "write audit", sb.s, NULL, err);
	sbuf_free(&sb);
	sbuf_free(&ev);
	return rc;
}

/* Lock the rows of the VMs to write, re-read their facts, decide again. */
static int
lock_and_reread(struct db *db, struct ra_result *r, const struct ra_opts *o,
    int global_ha, char *err)
{
	MYSQL_RES	*res;
	struct ra_vm	*fresh;
	struct sbuf	 sb, ids;
	uint64_t	*idv;
	size_t		 i, j, n = 0, nf;
	char		 t1[160], t2[160], t3[160];
	int		 rc = -1;

	idv = xcalloc(r->n + 1, sizeof(*idv));
	sbuf_init(&ids);
	for (i = 0; i < r->n; i++)
		if (needs_write(&r->v[i])) {
			sbuf_add(&ids, "%s%llu", n ? ", " : "",
			    (unsigned long long)r->v[i].vm_id);
			idv[n++] = r->v[i].vm_id;
		}
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT v.id, w.id, r.vm_id FROM %s r LEFT JOIN %s v ON "
	    "v.id = r.vm_id LEFT JOIN %s w ON w.id = r.ha_work_id WHERE "
	    "r.vm_id IN (%s) ORDER BY r.vm_id FOR UPDATE",
	    HWT(db, "ha_requeue", t1), TBL(db, "vm_instance", t2),
	    TBL(db, "op_ha_work", t3), ids.s);
	if ((res = db_query(db, "lock watched rows", sb.s, err)) == NULL)
		goto out;
	mysql_free_result(res);
	if (ra_read_watched(db, idv, n, global_ha, &fresh, &nf, err) == -1)
		goto out;
	/* the fresh rows replace their planned ones (both sorted by VM) */
	for (i = 0, j = 0; i < nf; i++) {
		while (j < r->n && r->v[j].vm_id < fresh[i].vm_id)
			j++;
		if (j < r->n && r->v[j].vm_id == fresh[i].vm_id) {
			r->v[j] = fresh[i];
			decide(&r->v[j], r->force_ha, o);
		}
	}
	free(fresh);
	rc = 0;
out:
	sbuf_free(&sb);
	sbuf_free(&ids);
	free(idv);
	return rc;
}

static int
write_one(struct db *db, struct ra_vm *v, const struct ra_opts *o, char *err)
{
	int	rc = 0;

	if (!needs_write(v))
		return 0;
	if (v->verdict == RV_HEAL)
		rc = heal(db, v, err);
	else if (v->verdict == RV_REQUEUE)
		rc = requeue(db, v, o, err);
	else
		rc = finish(db, v, err);
	v->written = rc == 0;
	return rc;
}

static int
apply(struct db *db, struct ra_result *r, const struct ra_opts *o,
    int global_ha, char *err)
{
	size_t	i;

	if (db_begin(db, err) == -1)
		return -1;
	if (lock_and_reread(db, r, o, global_ha, err) == -1)
		goto fail;
	for (i = 0; i < r->n; i++)
		if (write_one(db, &r->v[i], o, err) == -1)
			goto fail;
	if (audit(db, r, o, err) == -1)
		goto fail;
	if (o->leader_lock != NULL && db_check_holds_lock(db, o->leader_lock,
	    err) == -1)
		goto fail;
	if (db_commit(db, err) == -1)
		goto fail_nocommit;
	return 0;
fail:
	db_rollback(db);
fail_nocommit:
	for (i = 0; i < r->n; i++)
		r->v[i].written = 0;
	return -1;
}

static void
count(struct ra_result *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];

		if (v->verdict == RV_HEAL && v->written)
			r->n_healed++;
		if (v->verdict == RV_REQUEUE && v->written)
			r->n_requeued++;
		if (restart_verdict_alerts(v->verdict))
			r->n_given_up++;
		else if (restart_verdict_final(v->verdict))
			r->n_resolved++;
		else
			r->n_watching++;
	}
}

int
restart_assure(struct db *db, const struct ra_opts *o, struct ra_result *r,
    char *err)
{
	unsigned long	stmt0 = db->statements;
	size_t		i, nw = 0;
	int		global_ha;

	memset(r, 0, sizeof(*r));
	switch (hw_schema_present(db, err)) {
	case -1:
		return -1;
	case 0:
		return 0;	/* nothing queued by hawatch yet */
	}
	if (ra_read_settings(db, &r->force_ha, &global_ha, err) == -1 ||
	    ra_read_watched(db, NULL, 0, global_ha, &r->v, &r->n, err) == -1)
		return -1;
	for (i = 0; i < r->n; i++) {
		decide(&r->v[i], r->force_ha, o);
		nw += needs_write(&r->v[i]);
	}
	if (nw > 0 && !o->dry_run && apply(db, r, o, global_ha, err) == -1) {
		r->statements = db->statements - stmt0;
		return -1;
	}
	count(r);
	r->statements = db->statements - stmt0;
	return 0;
}
