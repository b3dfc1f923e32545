/*
 * vm_plan.c -- the reconcile's plan phase: plain reads of CloudStack's
 * host, vm_instance and op_ha_work rows (a constant number of statements
 * whatever the VM count), and the core's rules applied to them
 * (src/core/reconcile_rules.h).  Contract in vm_reconcile.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "ha_claims.h"
#include "hw_schema.h"
#include "util.h"
#include "vm_plan.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))

static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
vm_plan_host(struct db *db, uint64_t host_id, struct rec_result *out,
    uint64_t *host_update_count, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	char		 th[160], tc[160];
	int		 rc = -1;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT h.id, h.name, h.status, h.resource_state, "
	    "h.removed, h.update_count, hc.ha_state FROM %s h LEFT JOIN %s hc "
	    "ON hc.resource_id = h.id AND hc.resource_type = 'Host' "
	    "WHERE h.id = %llu", TBL(db, "host", th), TBL(db, "ha_config", tc),
	    (unsigned long long)host_id);
	res = db_query(db, "read host", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) == NULL) {
		set_err(err, "host %llu does not exist in CloudStack's host "
		    "table", (unsigned long long)host_id);
		goto out;
	}
	if (row[4] != NULL) {
		set_err(err, "host %llu was removed from CloudStack at %s",
		    (unsigned long long)host_id, row[4]);
		goto out;
	}
	out->host_id = host_id;
	copy_str(out->host_name, sizeof(out->host_name), row[1]);
	copy_str(out->host_status, sizeof(out->host_status), row[2]);
	copy_str(out->resource_state, sizeof(out->resource_state), row[3]);
	*host_update_count = row_u64(row, 5, 0);
	copy_str(out->ha_state, sizeof(out->ha_state), row_str(row, 6, ""));
	rc = 0;
out:
	mysql_free_result(res);
	return rc;
}

void
vm_plan_fenced(struct rec_result *r, const struct fence_record *fr,
    const struct rec_opts *o, uint64_t host_update_count)
{
	struct rec_fence_facts	f;

	f.confirming = o->confirm != FS_NONE;
	f.record_present = fr->present;
	f.host_status = r->host_status;
	f.host_update_count = host_update_count;
	f.record_update_count = fr->host_update_count;
	switch (reconcile_rule_fenced(&f)) {
	case RECF_CONFIRMING:
		r->fenced_by = o->confirm;
		break;
	case RECF_RECORDED:
		r->fenced_by = fr->source;
		break;
	case RECF_NOT_CONFIRMED:
		r->refused = 1;
		snprintf(r->refuse_reason, sizeof(r->refuse_reason),
		    "host %llu is not confirmed fenced (CloudStack ha_state=%s, "
		    "status=%s); confirm it is powered off, then rerun with "
		    "--confirm-fenced", (unsigned long long)r->host_id,
		    r->ha_state[0] ? r->ha_state : "none", r->host_status);
		break;
	case RECF_RECONNECTED:
		r->refused = 1;
		snprintf(r->refuse_reason, sizeof(r->refuse_reason),
		    "host %llu reconnected to CloudStack (status Up, "
		    "update_count %llu -> %llu) since it was confirmed fenced "
		    "at %s; confirm again with --confirm-fenced",
		    (unsigned long long)r->host_id,
		    (unsigned long long)fr->host_update_count,
		    (unsigned long long)host_update_count, fr->confirmed_at);
		break;
	}
}

/* One vm_instance row, in the column order of vm_plan_vms()'s SELECT. */
static void
read_vm_row(struct rec_vm *v, MYSQL_ROW row)
{
	v->id = row_u64(row, 0, 0);
	copy_str(v->name, sizeof(v->name), row[1]);
	copy_str(v->instance_name, sizeof(v->instance_name), row[2]);
	copy_str(v->type, sizeof(v->type), row[3]);
	copy_str(v->state_before, sizeof(v->state_before), row[4]);
	v->update_count_before = row_u64(row, 5, 0);
	v->ha_enabled = row_u64(row, 6, 0) != 0;
	copy_str(v->power_before, sizeof(v->power_before), row_str(row, 7, ""));
	v->host_null = row[8] == NULL;
	v->host_id = row_u64(row, 8, 0);
	v->account_id = row_u64(row, 9, 0);
	v->zone_id = row_u64(row, 10, 0);
	v->offering_id = row_u64(row, 11, 0);
	v->template_null = row[12] == NULL;
	v->template_id = row_u64(row, 12, 0);
	copy_str(v->hypervisor, sizeof(v->hypervisor), row[13]);
	v->display_vm = row_u64(row, 14, 1) != 0;
	v->row.update_count_null = row[5] == NULL;
	v->row.type_null = row[3] == NULL;
	v->row.hypervisor_null = row[13] == NULL;
}

int
vm_plan_vms(struct db *db, uint64_t host_id, struct rec_result *out, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 n, i;

	/*
	 * The VMs recorded on the host, and the Migrating VMs whose source
	 * (last_host_id) is the host: reported, never touched.
	 */
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, name, instance_name, type, state, "
	    "update_count, ha_enabled, power_state, host_id, account_id, "
	    "data_center_id, service_offering_id, vm_template_id, "
	    "hypervisor_type, display_vm FROM %s WHERE removed IS NULL AND "
	    "((host_id = %llu AND state IN ('Running', 'Starting', 'Stopping', "
	    "'Migrating')) OR (state = 'Migrating' AND last_host_id = %llu)) "
	    "ORDER BY id", TBL(db, "vm_instance", t),
	    (unsigned long long)host_id, (unsigned long long)host_id);
	res = db_query(db, "read VMs on host", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	n = (size_t)mysql_num_rows(res);
	out->vms = xcalloc(n, sizeof(*out->vms));
	for (i = 0; i < n && (row = mysql_fetch_row(res)) != NULL; i++)
		read_vm_row(&out->vms[i], row);
	out->nvms = i;
	mysql_free_result(res);
	return 0;
}

struct rec_vm *
vm_plan_find(struct rec_result *r, uint64_t id)
{
	size_t	lo = 0, hi = r->nvms, mid;

	while (lo < hi) {		/* vms are sorted by id */
		mid = (lo + hi) / 2;
		if (r->vms[mid].id == id)
			return &r->vms[mid];
		if (r->vms[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
vm_plan_id_list(struct sbuf *sb, const struct rec_result *r, int only_planned)
{
	size_t	i;
	int	first = 1;

	for (i = 0; i < r->nvms; i++) {
		if (only_planned && !reconcile_outcome_writes(r->vms[i].outcome))
			continue;
		sbuf_add(sb, "%s%llu", first ? "" : ", ",
		    (unsigned long long)r->vms[i].id);
		first = 0;
	}
}

int
vm_plan_last_ha(struct db *db, struct rec_result *r, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];

	if (r->nvms == 0)
		return 0;
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT instance_id, id, step, reason FROM %s WHERE "
	    "type = 'HA' AND instance_id IN (", TBL(db, "op_ha_work", t));
	vm_plan_id_list(&sb, r, 0);
	sbuf_add(&sb, ") ORDER BY instance_id, id");
	res = db_query(db, "read HA rows", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = vm_plan_find(r, row_u64(row, 0, 0))) == NULL)
			continue;
		snprintf(v->last_ha, sizeof(v->last_ha), "#%s %s %s",
		    row_str(row, 1, "?"), row_str(row, 3, "NULL"),
		    row_str(row, 2, "?"));
	}
	mysql_free_result(res);
	return 0;
}

/* Migrating: reported with what CloudStack means by it, left alone. */
static void
plan_migrating(struct rec_result *r, struct rec_vm *v)
{
	if (reconcile_rule_migrating_to(v->host_id, v->host_null, r->host_id))
		snprintf(v->reason, sizeof(v->reason), "migrating TO this host "
		    "(host_id is the destination): it normally still runs on "
		    "the source; left for an operator");
	else if (v->host_null)
		snprintf(v->reason, sizeof(v->reason), "migrating AWAY from "
		    "this host (last_host_id), no destination recorded; left "
		    "for an operator");
	else
		snprintf(v->reason, sizeof(v->reason), "migrating AWAY from "
		    "this host (last_host_id) to host %llu: it may already run "
		    "there; left for an operator",
		    (unsigned long long)v->host_id);
	r->n_migrating++;
}

/* CloudStack's own work in progress on the VM: leave it (or not yet). */
static int
plan_defer(struct rec_vm *v, const struct rec_opts *o)
{
	struct rec_defer_facts	f;
	uint64_t		grace;

	grace = o->cloudstack_grace_ms ? o->cloudstack_grace_ms :
	    REC_CLOUDSTACK_GRACE_MS_DEFAULT;
	f.work_job_live = v->work_job_id != 0;
	f.ha_live_claim = v->cs_ha_id != 0;
	f.ha_age_ms = v->cs_ha_age_ms;
	f.grace_ms = grace;
	switch (reconcile_rule_defer(&f)) {
	case RDF_NONE:
		return 0;
	case RDF_WORK_JOB:
		snprintf(v->reason, sizeof(v->reason), "deferred: CloudStack's "
		    "vm_work_job %llu is in progress on a live management "
		    "server", (unsigned long long)v->work_job_id);
		break;
	case RDF_CLOUDSTACK_HA:
		snprintf(v->reason, sizeof(v->reason), "deferred: CloudStack's "
		    "HA row #%llu is worked by live management server %llu "
		    "(%llus of %llus grace)", (unsigned long long)v->cs_ha_id,
		    (unsigned long long)v->cs_ha_msid,
		    (unsigned long long)(v->cs_ha_age_ms / 1000),
		    (unsigned long long)(grace / 1000));
		break;
	}
	v->outcome = VMO_DEFERRED;
	return 1;
}

/* A VM in progress in CloudStack's work-job queue on a live server. */
static int
read_work_jobs(struct db *db, struct rec_result *r, uint64_t dead_after_ms,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 tw[160], tj[160], tm[160];

	/* VmWorkJobDaoImpl.listVmIdsWithPendingJob: job_status 0 (IN_PROGRESS),
	 * not removed; its server: the executing one, else the initiator */
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT w.vm_instance_id, MIN(w.id) FROM %s w JOIN %s j "
	    "ON j.id = w.id LEFT JOIN %s ms ON ms.msid = COALESCE("
	    "j.job_executing_msid, j.job_init_msid) WHERE j.job_status = 0 "
	    "AND j.removed IS NULL AND w.vm_instance_id IN (",
	    TBL(db, "vm_work_job", tw), TBL(db, "async_job", tj),
	    TBL(db, "mshost", tm));
	vm_plan_id_list(&sb, r, 0);
	sbuf_add(&sb, ") AND ");
	ms_live_sql(&sb, "ms", dead_after_ms);
	sbuf_add(&sb, " GROUP BY w.vm_instance_id");
	res = db_query(db, "read CloudStack work jobs", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((v = vm_plan_find(r, row_u64(row, 0, 0))) != NULL)
			v->work_job_id = row_u64(row, 1, 0);
	mysql_free_result(res);
	return 0;
}

/* The VM's oldest own HA row still worked by a live server. */
static int
read_live_ha(struct db *db, struct rec_result *r, uint64_t dead_after_ms,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 tw[160], tm[160];

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT w.instance_id, w.id, w.mgmt_server_id, "
	    "GREATEST(TIMESTAMPDIFF(SECOND, w.created, UTC_TIMESTAMP()), 0) "
	    "FROM %s w JOIN %s ms ON ms.msid = w.mgmt_server_id WHERE "
	    "w.type = 'HA' AND w.step NOT IN ('Done', 'Cancelled', 'Error') "
	    "AND w.instance_id IN (", TBL(db, "op_ha_work", tw),
	    TBL(db, "mshost", tm));
	vm_plan_id_list(&sb, r, 0);
	sbuf_add(&sb, ") AND ");
	ms_live_sql(&sb, "ms", dead_after_ms);
	sbuf_add(&sb, " ORDER BY w.instance_id, w.created, w.id");
	res = db_query(db, "read CloudStack HA work", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = vm_plan_find(r, row_u64(row, 0, 0))) == NULL ||
		    v->cs_ha_id != 0)
			continue;
		v->cs_ha_id = row_u64(row, 1, 0);
		v->cs_ha_msid = row_u64(row, 2, 0);
		v->cs_ha_age_ms = row_u64(row, 3, 0) * 1000;
	}
	mysql_free_result(res);
	return 0;
}

int
vm_plan_cloudstack_work(struct db *db, struct rec_result *r,
    const struct rec_opts *o, char *err)
{
	uint64_t	dead = o->ms_dead_after_ms ? o->ms_dead_after_ms :
			    MS_DEAD_AFTER_MS_DEFAULT;

	if (r->nvms == 0)
		return 0;
	if (read_work_jobs(db, r, dead, err) == -1)
		return -1;
	return read_live_ha(db, r, dead, err);
}

size_t
vm_plan_outcomes(struct rec_result *r, const struct rec_opts *o)
{
	struct rec_vm	*v;
	const char	*why;
	size_t		 i, nlive = 0;

	for (i = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		v->outcome = reconcile_rule_vm_plan(v->state_before,
		    v->ha_enabled, o->dry_run);
		if (v->outcome == VMO_MIGRATING) {
			plan_migrating(r, v);
			continue;
		}
		v->usage = stop_rule_usage(v->type, v->state_before,
		    v->display_vm);
		v->row.needs_usage_event = v->usage;
		if ((why = reconcile_row_reason(reconcile_rule_row(&v->row))) !=
		    NULL) {
			v->outcome = VMO_SKIPPED;
			snprintf(v->reason, sizeof(v->reason), "%s", why);
			continue;
		}
		if (plan_defer(v, o))
			continue;
		nlive++;
	}
	return nlive;
}
