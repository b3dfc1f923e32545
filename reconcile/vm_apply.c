/*
 * vm_apply.c -- the reconcile's apply phase, inside reconcile_host()'s one
 * transaction (contract in vm_reconcile.h).  The CloudStack contract it
 * follows (reference/cloudstack.md 1.2, 2.1, 3.2):
 *
 *   vm_instance: state='Stopped', host_id=NULL, last_host_id=<host>,
 *                power_state='PowerOff', update_time=UTC now,
 *                update_count=update_count+1
 *                WHERE id=? AND state=<old> AND host_id=<old>
 *                  AND update_count=<old>
 *   op_ha_work:  instance_id, type='HA', vm_type=<vm.type>,
 *                state=<new state 'Stopped'>, mgmt_server_id=NULL,
 *                host_id=<host>, created=UTC now, tried=0, taken=NULL,
 *                step='Scheduled', time_to_try=<unix ms >> 10>,
 *                updated=<new update_count>, reason='HostDown'
 *
 * Which VM is skipped and which audit action a change gets are the core's
 * rules (src/core/reconcile_rules.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_schema.h"
#include "util.h"
#include "vm_apply.h"
#include "vm_effects.h"
#include "vm_plan.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))

/* Lock the planned rows; mark those that changed since the plan skipped. */
static void
recheck_row(struct rec_vm *v, uint64_t host_id, MYSQL_ROW row)
{
	struct rec_locked_vm	now;

	now.removed = row[4] != NULL;
	now.state = row_str(row, 1, "");
	now.host_id_null = row[2] == NULL;
	now.host_id = row_u64(row, 2, 0);
	now.update_count = row_u64(row, 3, 0);
	switch (reconcile_rule_recheck(v->state_before, host_id,
	    v->update_count_before, &now)) {
	case RRC_UNCHANGED:
		return;
	case RRC_REMOVED:
		snprintf(v->reason, sizeof(v->reason), "removed "
		    "concurrently at %s", row[4]);
		break;
	case RRC_STATE_CHANGED:
		snprintf(v->reason, sizeof(v->reason), "state changed "
		    "concurrently: %s -> %s", v->state_before,
		    row_str(row, 1, "NULL"));
		break;
	case RRC_HOST_CHANGED:
		snprintf(v->reason, sizeof(v->reason), "host changed "
		    "concurrently: %llu -> %s",
		    (unsigned long long)host_id, row_str(row, 2, "NULL"));
		break;
	case RRC_UPDATE_COUNT_CHANGED:
		snprintf(v->reason, sizeof(v->reason), "update_count "
		    "changed concurrently: %llu -> %llu",
		    (unsigned long long)v->update_count_before,
		    (unsigned long long)now.update_count);
		break;
	}
	v->outcome = VMO_SKIPPED;
}

int
vm_apply_lock(struct db *db, struct rec_result *r, uint64_t host_id,
    size_t *nlive, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 i;
	char		*seen;

	seen = xcalloc(r->nvms, 1);
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, state, host_id, update_count, removed FROM "
	    "%s WHERE id IN (", TBL(db, "vm_instance", t));
	vm_plan_id_list(&sb, r, 1);
	sbuf_add(&sb, ") ORDER BY id FOR UPDATE");
	res = db_query(db, "lock VM rows", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL) {
		free(seen);
		return -1;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = vm_plan_find(r, row_u64(row, 0, 0))) == NULL)
			continue;
		seen[v - r->vms] = 1;
		recheck_row(v, host_id, row);
	}
	mysql_free_result(res);
	*nlive = 0;
	for (i = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		if (!reconcile_outcome_writes(v->outcome))
			continue;
		if (!seen[i]) {
			v->outcome = VMO_SKIPPED;
			snprintf(v->reason, sizeof(v->reason), "row vanished "
			    "concurrently");
			continue;
		}
		(*nlive)++;
	}
	free(seen);
	return 0;
}

int
vm_apply_stop(struct db *db, struct rec_result *r, uint64_t host_id,
    size_t nlive, char *err)
{
	struct sbuf		 sb;
	char			 t[160];
	unsigned long long	 affected;
	size_t			 i;
	int			 first = 1;

	/*
	 * CloudStack's guard, WHERE id=? AND state=<old> AND host_id=<old> AND
	 * update_count=<old>, for every VM in one statement: a join with the
	 * planned (id, state, update_count) triples.  (An OR of 1000
	 * conjunctions makes MariaDB's range optimizer take seconds; CASE id
	 * WHEN ... is linear per row.)
	 */
	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE %s v JOIN (", TBL(db, "vm_instance", t));
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		if (!reconcile_outcome_writes(v->outcome))
			continue;
		sbuf_add(&sb, "%sSELECT %llu AS id, ", first ? "" : " UNION ALL ",
		    (unsigned long long)v->id);
		db_quote(db, &sb, v->state_before);
		sbuf_add(&sb, " AS st, %llu AS uc",
		    (unsigned long long)v->update_count_before);
		first = 0;
	}
	sbuf_add(&sb, ") g ON v.id = g.id AND v.state = g.st AND v.update_count "
	    "= g.uc AND v.host_id = %llu SET v.state = 'Stopped', v.host_id = "
	    "NULL, v.last_host_id = %llu, v.power_state = 'PowerOff', "
	    "v.update_time = UTC_TIMESTAMP(), v.update_count = v.update_count + "
	    "1", (unsigned long long)host_id, (unsigned long long)host_id);
	if (db_exec(db, "mark VMs Stopped", sb.s, &affected, err) == -1) {
		sbuf_free(&sb);
		return -1;
	}
	sbuf_free(&sb);
	if (affected != nlive) {
		/* impossible under our row locks; refuse rather than guess */
		set_err(err, "host %llu: marking VMs Stopped matched %llu rows, "
		    "expected %zu; rolled back", (unsigned long long)host_id,
		    affected, nlive);
		return -1;
	}
	for (i = 0; i < r->nvms; i++) {
		struct rec_vm *v = &r->vms[i];

		if (!reconcile_outcome_writes(v->outcome))
			continue;
		v->update_count_after = v->update_count_before + 1;
		snprintf(v->state_after, sizeof(v->state_after), "Stopped");
	}
	return 0;
}

int
vm_apply_ha_rows(struct db *db, struct rec_result *r, uint64_t host_id,
    uint64_t now_wall_ms, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	uint64_t	 first_id;
	size_t		 i, n = 0;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (instance_id, type, vm_type, state, "
	    "mgmt_server_id, host_id, created, tried, taken, step, "
	    "time_to_try, updated, reason) VALUES ",
	    TBL(db, "op_ha_work", t));
	for (i = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		if (v->outcome != VMO_REQUEUED)
			continue;
		sbuf_add(&sb, "%s(%llu, 'HA', ", n ? ", " : "",
		    (unsigned long long)v->id);
		db_quote(db, &sb, v->type);
		/* time_to_try is CloudStack's ms >> 10, not seconds */
		sbuf_add(&sb, ", 'Stopped', NULL, %llu, UTC_TIMESTAMP(), 0, "
		    "NULL, 'Scheduled', %llu, %llu, 'HostDown')",
		    (unsigned long long)host_id,
		    (unsigned long long)(now_wall_ms >> 10),
		    (unsigned long long)v->update_count_after);
		n++;
	}
	if (n == 0) {
		sbuf_free(&sb);
		return 0;
	}
	if (db_exec(db, "queue HA work", sb.s, NULL, err) == -1) {
		sbuf_free(&sb);
		return -1;
	}
	first_id = mysql_insert_id(db->m);
	/* fetch the ids given (consecutive or not, whatever autoinc mode) */
	sbuf_reset(&sb);
	sbuf_add(&sb, "SELECT id, instance_id FROM %s WHERE id >= %llu AND "
	    "type = 'HA' AND step = 'Scheduled' AND host_id = %llu AND "
	    "instance_id IN (", t, (unsigned long long)first_id,
	    (unsigned long long)host_id);
	n = 0;
	for (i = 0; i < r->nvms; i++)
		if (r->vms[i].outcome == VMO_REQUEUED)
			sbuf_add(&sb, "%s%llu", n++ ? ", " : "",
			    (unsigned long long)r->vms[i].id);
	sbuf_add(&sb, ") ORDER BY id");
	res = db_query(db, "read queued HA rows", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((v = vm_plan_find(r, row_u64(row, 1, 0))) != NULL &&
		    v->outcome == VMO_REQUEUED && v->ha_work_id == 0)
			v->ha_work_id = row_u64(row, 0, 0);
	mysql_free_result(res);
	return 0;
}

static void
vm_evidence(struct sbuf *ev, const struct rec_result *r, const struct rec_vm *v)
{
	sbuf_reset(ev);
	sbuf_add(ev, "{\"host_id\":%llu,\"host_status\":",
	    (unsigned long long)r->host_id);
	sbuf_json_str(ev, r->host_status);
	sbuf_add(ev, ",\"ha_state\":");
	sbuf_json_str(ev, r->ha_state);
	sbuf_add(ev, ",\"fenced_by\":");
	sbuf_json_str(ev, fence_source_name(r->fenced_by));
	sbuf_add(ev, ",\"vm\":");
	sbuf_json_str(ev, v->instance_name);
	sbuf_add(ev, ",\"type\":");
	sbuf_json_str(ev, v->type);
	sbuf_add(ev, ",\"state\":");
	sbuf_json_str(ev, v->state_before);
	sbuf_add(ev, ",\"power_state\":");
	sbuf_json_str(ev, v->power_before);
	sbuf_add(ev, ",\"update_count\":%llu,\"ha_enabled\":%s,\"last_ha\":",
	    (unsigned long long)v->update_count_before,
	    v->ha_enabled ? "true" : "false");
	sbuf_json_str(ev, v->last_ha[0] ? v->last_ha : NULL);
	sbuf_add(ev, ",\"side_effects\":");
	vm_effects_json(ev, r, v);
	sbuf_add(ev, "}");
}

int
vm_apply_audit(struct db *db, struct rec_result *r, const struct rec_opts *o,
    int record_confirm, char *err)
{
	struct sbuf		sb, ev;
	struct audit_row	a;
	char			after[64];
	size_t			i;
	int			first = 1, rc;

	sbuf_init(&sb);
	sbuf_init(&ev);
	audit_insert_begin(db, &sb);
	if (record_confirm) {
		memset(&a, 0, sizeof(a));
		a.action = "host.confirmed_fenced";
		a.host_id = r->host_id;
		a.reason = fence_source_name(o->confirm);
		a.before = r->host_status;
		a.evidence = o->confirm_evidence ? o->confirm_evidence : "{}";
		audit_insert_row(db, &sb, first, o->actor, o->command, &a);
		first = 0;
	}
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		if (!reconcile_outcome_writes(v->outcome))
			continue;
		vm_evidence(&ev, r, v);
		memset(&a, 0, sizeof(a));
		a.action = reconcile_rule_vm_audit_action(v->outcome);
		a.host_id = r->host_id;
		a.vm_id = v->id;
		a.ha_work_id = v->ha_work_id;
		a.reason = "host fenced";
		a.before = v->state_before;
		snprintf(after, sizeof(after), "Stopped");
		a.after = after;
		a.evidence = ev.s;
		audit_insert_row(db, &sb, first, o->actor, o->command, &a);
		first = 0;
	}
	rc = first ? 0 : db_exec(db, "write audit", sb.s, NULL, err);
	sbuf_free(&sb);
	sbuf_free(&ev);
	return rc;
}
