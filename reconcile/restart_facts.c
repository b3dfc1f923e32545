/*
 * restart_facts.c -- the reads behind a restart-assurance pass
 * (restart_assurance.h): CloudStack's force.ha and vm.ha.enabled, and per
 * watched VM one row of facts -- hawatch's memory, the VM, hawatch's HA
 * row, CloudStack's own pending work for the VM, local storage -- in one
 * statement whatever the number of VMs.
 *
 * CloudStack's definitions used here:
 *   pending HA work   type 'HA', step not Done/Error/Cancelled
 *                     (HighAvailabilityDaoImpl.listPendingHaWorkForVm);
 *   work job          vm_work_job joined to an async_job with job_status 0
 *                     (IN_PROGRESS) and removed NULL
 *                     (VmWorkJobDaoImpl.listVmIdsWithPendingJob);
 *   local storage     a Ready, non-removed, non-recreatable volume on a pool
 *                     whose type is not shared: Filesystem, LVM, EXT, ISO
 *                     (VolumeOrchestrator.canVmRestartOnAnotherServer,
 *                     Storage.StoragePoolType);
 *   force.ha          `configuration` value, default false (ConfigKey
 *                     value(), Global);
 *   vm.ha.enabled     zone scope: the zone's data_center_details value,
 *                     else the `configuration` value, default true.
 *                     Booleans are Boolean.valueOf: "true" in any case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hw_schema.h"
#include "restart_assurance.h"
#include "util.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))
#define HWT(db, name, buf)	hw_table(db, name, buf, sizeof(buf))

static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* Boolean.valueOf, with CloudStack's default for a missing value */
static int
cs_bool(const char *v, int dflt)
{
	if (v == NULL)
		return dflt;
	return strcasecmp(v, "true") == 0;
}

int
ra_read_settings(struct db *db, int *force_ha, int *global_ha, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[256], t[160];

	*force_ha = 0;
	*global_ha = 1;
	snprintf(sql, sizeof(sql), "SELECT name, value FROM %s WHERE name IN "
	    "('force.ha', 'vm.ha.enabled')", TBL(db, "configuration", t));
	if ((res = db_query(db, "read HA settings", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (strcmp(row_str(row, 0, ""), "force.ha") == 0)
			*force_ha = cs_bool(row[1], 0);
		else
			*global_ha = cs_bool(row[1], 1);
	}
	mysql_free_result(res);
	return 0;
}

/* the one statement: hawatch's rows joined to CloudStack's facts */
static void
watched_sql(struct db *db, struct sbuf *sb, const uint64_t *ids, size_t nids)
{
	char	tr[160], tv[160], tw[160], tj[160], ta[160], tvo[160],
		tp[160], td[160];
	size_t	i;

	sbuf_add(sb, "SELECT r.vm_id, r.ha_work_id, r.host_id, r.update_count,"
	    " r.requeues, r.heals, r.status, GREATEST(0, TIMESTAMPDIFF("
	    "MICROSECOND, r.last_queued_at, UTC_TIMESTAMP(3)) DIV 1000), "
	    "v.id, v.removed, v.state, v.host_id, v.last_host_id, "
	    "v.update_count, v.ha_enabled, v.data_center_id, v.instance_name, "
	    "v.type, w.id, w.step, w.mgmt_server_id IS NOT NULL OR w.taken IS "
	    "NOT NULL, ");
	HWT(db, "ha_requeue", tr);
	sbuf_add(sb, "(SELECT COUNT(*) FROM %s o WHERE o.instance_id = r.vm_id "
	    "AND o.type = 'HA' AND o.step NOT IN ('Done', 'Error', "
	    "'Cancelled') AND o.id <> r.ha_work_id), ",
	    TBL(db, "op_ha_work", tw));
	sbuf_add(sb, "(SELECT COUNT(*) FROM %s j JOIN %s a ON a.id = j.id "
	    "WHERE j.vm_instance_id = r.vm_id AND a.job_status = 0 AND "
	    "a.removed IS NULL), ", TBL(db, "vm_work_job", tj),
	    TBL(db, "async_job", ta));
	sbuf_add(sb, "(SELECT COUNT(*) FROM %s vo JOIN %s p ON p.id = "
	    "vo.pool_id WHERE vo.instance_id = r.vm_id AND vo.state = 'Ready' "
	    "AND vo.removed IS NULL AND vo.recreatable = 0 AND p.pool_type IN "
	    "('Filesystem', 'LVM', 'EXT', 'ISO')), ", TBL(db, "volumes", tvo),
	    TBL(db, "storage_pool", tp));
	sbuf_add(sb, "(SELECT d.value FROM %s d WHERE d.dc_id = "
	    "v.data_center_id AND d.name = 'vm.ha.enabled' ORDER BY d.id DESC "
	    "LIMIT 1) ", TBL(db, "data_center_details", td));
	sbuf_add(sb, "FROM %s r LEFT JOIN %s v ON v.id = r.vm_id LEFT JOIN %s "
	    "w ON w.id = r.ha_work_id WHERE ", tr, TBL(db, "vm_instance", tv),
	    tw);
	if (ids == NULL)
		sbuf_add(sb, "r.status IN ('watching', 'given_up')");
	else {
		sbuf_add(sb, "r.vm_id IN (");
		for (i = 0; i < nids; i++)
			sbuf_add(sb, "%s%llu", i ? ", " : "",
			    (unsigned long long)ids[i]);
		sbuf_add(sb, ")");
	}
	sbuf_add(sb, " ORDER BY r.vm_id");
}

static void
watched_row(struct ra_vm *v, MYSQL_ROW row, int global_ha)
{
	v->vm_id = row_u64(row, 0, 0);
	v->ha_work_id = row_u64(row, 1, 0);
	v->host_id = row_u64(row, 2, 0);
	v->uc_written = row_u64(row, 3, 0);
	v->requeues = (unsigned)row_u64(row, 4, 0);
	v->heals = (unsigned)row_u64(row, 5, 0);
	copy_str(v->status, sizeof(v->status), row[6]);
	v->since_queued_ms = row_u64(row, 7, 0);
	v->vm_present = row[8] != NULL;
	v->vm_removed = row[9] != NULL;
	copy_str(v->vm_state, sizeof(v->vm_state), row[10]);
	v->vm_host_null = row[11] == NULL;
	v->vm_last_host = row_u64(row, 12, 0);
	v->vm_uc = row_u64(row, 13, 0);
	v->ha_enabled = row_u64(row, 14, 0) != 0;
	v->zone_id = row_u64(row, 15, 0);
	copy_str(v->instance_name, sizeof(v->instance_name), row[16]);
	copy_str(v->vm_type, sizeof(v->vm_type), row[17]);
	v->row_present = row[18] != NULL;
	copy_str(v->row_step, sizeof(v->row_step), row[19]);
	v->row_claimed = row_u64(row, 20, 0) != 0;
	v->other_pending = (unsigned)row_u64(row, 21, 0);
	v->work_job = row_u64(row, 22, 0) != 0;
	v->local_storage = row_u64(row, 23, 0) != 0;
	v->zone_ha_enabled = cs_bool(row[24], global_ha);
}

int
ra_read_watched(struct db *db, const uint64_t *ids, size_t nids,
    int global_ha, struct ra_vm **out, size_t *n, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	size_t		 i = 0;

	*out = NULL;
	*n = 0;
	if (ids != NULL && nids == 0)
		return 0;
	sbuf_init(&sb);
	watched_sql(db, &sb, ids, nids);
	res = db_query(db, "read watched restarts", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	*out = xcalloc((size_t)mysql_num_rows(res) + 1, sizeof(**out));
	while ((row = mysql_fetch_row(res)) != NULL)
		watched_row(&(*out)[i++], row, global_ha);
	*n = i;
	mysql_free_result(res);
	return 0;
}

void
ra_facts(const struct ra_vm *v, int force_ha, struct restart_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->fenced_host = v->host_id;
	f->uc_written = v->uc_written;
	f->requeues = v->requeues;
	f->since_queued_ms = v->since_queued_ms;
	f->vm_present = v->vm_present;
	f->vm_removed = v->vm_removed;
	f->vm_state = v->vm_state;
	f->vm_host_null = v->vm_host_null;
	f->vm_last_host = v->vm_last_host;
	f->vm_update_count = v->vm_uc;
	f->vm_ha_enabled = v->ha_enabled;
	f->local_storage = v->local_storage;
	f->force_ha = force_ha;
	f->zone_ha_enabled = v->zone_ha_enabled;
	f->row_present = v->row_present;
	f->row_step = v->row_step;
	f->row_claimed = v->row_claimed;
	f->other_pending_ha = v->other_pending;
	f->work_job_pending = v->work_job;
}

void
ra_explain(struct ra_vm *v, const struct ra_opts *o)
{
	char	row[64];

	if (v->row_present)
		snprintf(row, sizeof(row), "HA row #%llu %s",
		    (unsigned long long)v->ha_work_id, v->row_step);
	else
		snprintf(row, sizeof(row), "HA row #%llu gone (purged)",
		    (unsigned long long)v->ha_work_id);
	switch (v->verdict) {
	case RV_WAIT:
		snprintf(v->reason, sizeof(v->reason), "%s; VM %s: "
		    "CloudStack's HA worker has it", row, v->vm_state);
		break;
	case RV_HEAL:
		snprintf(v->reason, sizeof(v->reason), "%s and unclaimed "
		    "(a management server start marked it); VM Stopped as "
		    "hawatch left it: back to Scheduled", row);
		break;
	case RV_REQUEUE:
	case RV_REQUEUE_LATER:
		snprintf(v->reason, sizeof(v->reason), "%s but the VM is "
		    "still Stopped as hawatch left it: re-queue %u of %u%s",
		    row, v->requeues + 1, o->requeue_max,
		    v->verdict == RV_REQUEUE_LATER ? " after requeue_after" :
		    "");
		break;
	case RV_DEFER:
		snprintf(v->reason, sizeof(v->reason), "%s; CloudStack has "
		    "its own work for the VM (%u pending HA rows, work job %s)",
		    row, v->other_pending, v->work_job ? "in progress" : "none");
		break;
	case RV_HELD:
		snprintf(v->reason, sizeof(v->reason), "%s; vm.ha.enabled is "
		    "false for zone %llu: CloudStack runs no HA work there",
		    row, (unsigned long long)v->zone_id);
		break;
	case RV_GIVE_UP:
		snprintf(v->reason, sizeof(v->reason), "%s again after %u "
		    "re-queues: CloudStack keeps dropping the restart; start "
		    "the VM by hand", row, v->requeues);
		break;
	case RV_START_FAILED:
		snprintf(v->reason, sizeof(v->reason), "%s; VM %s with "
		    "update_count %llu (hawatch wrote %llu): CloudStack tried "
		    "to start it and failed", row, v->vm_state,
		    (unsigned long long)v->vm_uc,
		    (unsigned long long)v->uc_written);
		break;
	case RV_LOCAL_STORAGE:
		snprintf(v->reason, sizeof(v->reason), "%s; a volume is on "
		    "local storage: CloudStack cannot restart it on another "
		    "host", row);
		break;
	case RV_RUNNING:
		snprintf(v->reason, sizeof(v->reason), "running again");
		break;
	case RV_REMOVED:
		snprintf(v->reason, sizeof(v->reason), "VM %s",
		    v->vm_present ? (v->vm_removed ? "removed" : v->vm_state) :
		    "gone");
		break;
	case RV_CHANGED:
		snprintf(v->reason, sizeof(v->reason), "%s; VM changed since "
		    "hawatch's write (host_id %s, last_host_id %llu)", row,
		    v->vm_host_null ? "NULL" : "set",
		    (unsigned long long)v->vm_last_host);
		break;
	case RV_NOT_HA:
		snprintf(v->reason, sizeof(v->reason), "%s; the VM is no "
		    "longer HA-enabled and force.ha is off", row);
		break;
	}
}
