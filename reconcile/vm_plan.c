/*
 * vm_plan.c -- the reconcile's plan phase: plain reads of CloudStack's
 * host, vm_instance and op_ha_work rows (a constant number of statements
 * whatever the VM count), and the core's rules applied to them
 * (src/core/reconcile_rules.h).  Contract in vm_reconcile.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
vm_plan_vms(struct db *db, uint64_t host_id, struct rec_result *out, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 n, i;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, name, instance_name, type, state, "
	    "update_count, ha_enabled, power_state FROM %s WHERE host_id = "
	    "%llu AND removed IS NULL AND state IN ('Running', 'Starting', "
	    "'Stopping', 'Migrating') ORDER BY id", TBL(db, "vm_instance", t),
	    (unsigned long long)host_id);
	res = db_query(db, "read VMs on host", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	n = (size_t)mysql_num_rows(res);
	out->vms = xcalloc(n, sizeof(*out->vms));
	for (i = 0; i < n && (row = mysql_fetch_row(res)) != NULL; i++) {
		v = &out->vms[i];
		v->id = row_u64(row, 0, 0);
		copy_str(v->name, sizeof(v->name), row[1]);
		copy_str(v->instance_name, sizeof(v->instance_name), row[2]);
		copy_str(v->type, sizeof(v->type), row[3]);
		copy_str(v->state_before, sizeof(v->state_before), row[4]);
		v->update_count_before = row_u64(row, 5, 0);
		v->ha_enabled = row_u64(row, 6, 0) != 0;
		copy_str(v->power_before, sizeof(v->power_before),
		    row_str(row, 7, ""));
	}
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
		if (only_planned && r->vms[i].outcome == VMO_MIGRATING)
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

size_t
vm_plan_outcomes(struct rec_result *r, int dry_run)
{
	struct rec_vm	*v;
	size_t		 i, nlive = 0;

	for (i = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		v->outcome = reconcile_rule_vm_plan(v->state_before,
		    v->ha_enabled, dry_run);
		if (v->outcome == VMO_MIGRATING) {
			snprintf(v->reason, sizeof(v->reason), "migrating: it "
			    "may already run on the destination; left for an "
			    "operator");
			r->n_migrating++;
			continue;
		}
		nlive++;
	}
	return nlive;
}
