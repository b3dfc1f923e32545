/*
 * vm_reconcile.c -- plan and apply the per-host reconcile transaction.
 *
 * See vm_reconcile.h for the two phases and the invariants.  The CloudStack
 * contract it follows (reference/cloudstack.md 1.2, 2.1, 3.2):
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
 * A confirmation that the host is fenced is valid only while CloudStack has
 * not seen the host come back: if host.status is 'Up' and host.update_count
 * moved since the confirmation, the host reconnected and the record is
 * stale, so reconcile refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hw_schema.h"
#include "log.h"
#include "util.h"
#include "vm_reconcile.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))
#define HWT(db, name, buf)	hw_table(db, name, buf, sizeof(buf))

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
	}
	return "invalid";
}

const char *
fence_source_name(enum fence_source s)
{
	switch (s) {
	case FS_NONE:
		return "none";
	case FS_OPERATOR:
		return "operator";
	case FS_BMC:
		return "bmc";
	case FS_SELF_FENCE:
		return "self-fence";
	}
	return "invalid";
}

int
fence_source_parse(const char *s, enum fence_source *out)
{
	enum fence_source	f;

	for (f = FS_NONE; f <= FS_SELF_FENCE; f++)
		if (strcmp(s, fence_source_name(f)) == 0) {
			*out = f;
			return 0;
		}
	return -1;
}

void
rec_result_free(struct rec_result *r)
{
	free(r->vms);
	r->vms = NULL;
	r->nvms = 0;
}

static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

/* --- plan ------------------------------------------------------------ */

struct fence_record {
	int			present;
	enum fence_source	source;
	char			host_status[32];
	uint64_t		host_update_count;
	char			confirmed_at[32];
};

static int
plan_host(struct db *db, uint64_t host_id, struct rec_result *out,
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

static int
read_fence_record(struct db *db, uint64_t host_id, struct fence_record *fr,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[512], t[160];

	memset(fr, 0, sizeof(*fr));
	switch (hw_schema_present(db, err)) {
	case -1:
		return -1;
	case 0:
		return 0;	/* no hawatch schema yet: no records */
	}
	snprintf(sql, sizeof(sql), "SELECT source, host_status, "
	    "host_update_count, confirmed_at FROM %s WHERE host_id = %llu AND "
	    "cleared_at IS NULL", HWT(db, "fenced_host", t),
	    (unsigned long long)host_id);
	if ((res = db_query(db, "read fence record", sql, err)) == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) != NULL) {
		fr->present = 1;
		if (fence_source_parse(row_str(row, 0, ""), &fr->source) == -1)
			fr->source = FS_OPERATOR;
		copy_str(fr->host_status, sizeof(fr->host_status), row[1]);
		fr->host_update_count = row_u64(row, 2, 0);
		copy_str(fr->confirmed_at, sizeof(fr->confirmed_at), row[3]);
	}
	mysql_free_result(res);
	return 0;
}

static int
plan_vms(struct db *db, uint64_t host_id, struct rec_result *out, char *err)
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

static struct rec_vm *
find_vm(struct rec_result *r, uint64_t id)
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

static void
add_id_list(struct sbuf *sb, const struct rec_result *r, int only_planned)
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

/* The newest HA row of each VM, for the report (never for the decision). */
static int
plan_last_ha(struct db *db, struct rec_result *r, char *err)
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
	add_id_list(&sb, r, 0);
	sbuf_add(&sb, ") ORDER BY instance_id, id");
	res = db_query(db, "read HA rows", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = find_vm(r, row_u64(row, 0, 0))) == NULL)
			continue;
		snprintf(v->last_ha, sizeof(v->last_ha), "#%s %s %s",
		    row_str(row, 1, "?"), row_str(row, 3, "NULL"),
		    row_str(row, 2, "?"));
	}
	mysql_free_result(res);
	return 0;
}

/* --- apply ----------------------------------------------------------- */

/* Lock the planned rows; mark those that changed since the plan skipped. */
static int
lock_and_recheck(struct db *db, struct rec_result *r, uint64_t host_id,
    size_t *nlive, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	uint64_t	 uc, hid;
	size_t		 i;
	char		*seen;

	seen = xcalloc(r->nvms, 1);
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, state, host_id, update_count, removed FROM "
	    "%s WHERE id IN (", TBL(db, "vm_instance", t));
	add_id_list(&sb, r, 1);
	sbuf_add(&sb, ") ORDER BY id FOR UPDATE");
	res = db_query(db, "lock VM rows", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL) {
		free(seen);
		return -1;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = find_vm(r, row_u64(row, 0, 0))) == NULL)
			continue;
		seen[v - r->vms] = 1;
		uc = row_u64(row, 3, 0);
		hid = row_u64(row, 2, 0);
		if (row[4] != NULL)
			snprintf(v->reason, sizeof(v->reason), "removed "
			    "concurrently at %s", row[4]);
		else if (strcmp(row_str(row, 1, ""), v->state_before) != 0)
			snprintf(v->reason, sizeof(v->reason), "state changed "
			    "concurrently: %s -> %s", v->state_before,
			    row_str(row, 1, "NULL"));
		else if (row[2] == NULL || hid != host_id)
			snprintf(v->reason, sizeof(v->reason), "host changed "
			    "concurrently: %llu -> %s",
			    (unsigned long long)host_id, row_str(row, 2, "NULL"));
		else if (uc != v->update_count_before)
			snprintf(v->reason, sizeof(v->reason), "update_count "
			    "changed concurrently: %llu -> %llu",
			    (unsigned long long)v->update_count_before,
			    (unsigned long long)uc);
		else
			continue;
		v->outcome = VMO_SKIPPED;
	}
	mysql_free_result(res);
	*nlive = 0;
	for (i = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		if (v->outcome == VMO_MIGRATING || v->outcome == VMO_SKIPPED)
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

static int
is_live(const struct rec_vm *v)
{
	return v->outcome == VMO_REQUEUED || v->outcome == VMO_STOPPED;
}

static int
apply_vm_updates(struct db *db, struct rec_result *r, uint64_t host_id,
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

		if (!is_live(v))
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

		if (!is_live(v))
			continue;
		v->update_count_after = v->update_count_before + 1;
		copy_str(v->state_after, sizeof(v->state_after), "Stopped");
	}
	return 0;
}

static int
apply_ha_rows(struct db *db, struct rec_result *r, uint64_t host_id,
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
		if ((v = find_vm(r, row_u64(row, 1, 0))) != NULL &&
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
	sbuf_add(ev, "}");
}

static int
apply_audit(struct db *db, struct rec_result *r, const struct rec_opts *o,
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

		if (!is_live(v))
			continue;
		vm_evidence(&ev, r, v);
		memset(&a, 0, sizeof(a));
		a.action = v->outcome == VMO_REQUEUED ? "vm.stopped_requeued" :
		    "vm.stopped";
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

static int
record_confirmation(struct db *db, const struct rec_result *r,
    const struct rec_opts *o, uint64_t host_update_count, char *err)
{
	struct sbuf	sb;
	char		t[160];
	int		rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (host_id, source, confirmed_at, actor, "
	    "host_status, host_update_count, evidence) VALUES (%llu, ",
	    HWT(db, "fenced_host", t), (unsigned long long)r->host_id);
	db_quote(db, &sb, fence_source_name(o->confirm));
	sbuf_add(&sb, ", UTC_TIMESTAMP(3), ");
	db_quote(db, &sb, o->actor);
	sbuf_add(&sb, ", ");
	db_quote(db, &sb, r->host_status);
	sbuf_add(&sb, ", %llu, ", (unsigned long long)host_update_count);
	db_quote(db, &sb, o->confirm_evidence ? o->confirm_evidence : "{}");
	sbuf_add(&sb, ") ON DUPLICATE KEY UPDATE source = VALUES(source), "
	    "confirmed_at = VALUES(confirmed_at), actor = VALUES(actor), "
	    "host_status = VALUES(host_status), host_update_count = "
	    "VALUES(host_update_count), evidence = VALUES(evidence), "
	    "cleared_at = NULL, cleared_reason = NULL");
	rc = db_exec(db, "record fence confirmation", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

/* Is the host counted as fenced?  Fills r->fenced_by or r->refused. */
static void
judge_fenced(struct rec_result *r, const struct fence_record *fr,
    const struct rec_opts *o, uint64_t host_update_count)
{
	if (o->confirm != FS_NONE) {
		r->fenced_by = o->confirm;
		return;
	}
	if (!fr->present) {
		r->refused = 1;
		snprintf(r->refuse_reason, sizeof(r->refuse_reason),
		    "host %llu is not confirmed fenced (CloudStack ha_state=%s, "
		    "status=%s); confirm it is powered off, then rerun with "
		    "--confirm-fenced", (unsigned long long)r->host_id,
		    r->ha_state[0] ? r->ha_state : "none", r->host_status);
		return;
	}
	if (strcmp(r->host_status, "Up") == 0 &&
	    host_update_count != fr->host_update_count) {
		r->refused = 1;
		snprintf(r->refuse_reason, sizeof(r->refuse_reason),
		    "host %llu reconnected to CloudStack (status Up, "
		    "update_count %llu -> %llu) since it was confirmed fenced "
		    "at %s; confirm again with --confirm-fenced",
		    (unsigned long long)r->host_id,
		    (unsigned long long)fr->host_update_count,
		    (unsigned long long)host_update_count, fr->confirmed_at);
		return;
	}
	r->fenced_by = fr->source;
}

int
reconcile_host(struct db *db, uint64_t host_id, const struct rec_opts *o,
    struct rec_result *r, char *err)
{
	struct fence_record	fr;
	uint64_t		host_uc = 0;
	unsigned long		stmt0 = db->statements;
	uint64_t		t0 = clock_mono_us();
	size_t			i, nlive = 0;
	int			record_confirm;

	memset(r, 0, sizeof(*r));
	if (plan_host(db, host_id, r, &host_uc, err) == -1)
		return -1;
	if (read_fence_record(db, host_id, &fr, err) == -1)
		return -1;
	judge_fenced(r, &fr, o, host_uc);
	if (r->refused)
		goto done;
	if (plan_vms(db, host_id, r, err) == -1 ||
	    plan_last_ha(db, r, err) == -1) {
		rec_result_free(r);
		return -1;
	}
	for (i = 0; i < r->nvms; i++) {
		struct rec_vm *v = &r->vms[i];

		if (strcmp(v->state_before, "Migrating") == 0) {
			v->outcome = VMO_MIGRATING;
			snprintf(v->reason, sizeof(v->reason), "migrating: it "
			    "may already run on the destination; left for an "
			    "operator");
			r->n_migrating++;
			continue;
		}
		if (o->dry_run)
			v->outcome = v->ha_enabled ? VMO_PLAN_REQUEUE :
			    VMO_PLAN_STOP;
		else
			v->outcome = v->ha_enabled ? VMO_REQUEUED : VMO_STOPPED;
		nlive++;
	}
	/* operator confirmations are recorded even when no VM is left */
	record_confirm = o->confirm == FS_OPERATOR ||
	    (o->confirm != FS_NONE && !fr.present);
	if (o->dry_run || (nlive == 0 && !record_confirm))
		goto done;

	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		goto fail;
	if (record_confirm &&
	    record_confirmation(db, r, o, host_uc, err) == -1)
		goto fail;
	if (nlive > 0) {
		if (lock_and_recheck(db, r, host_id, &nlive, err) == -1)
			goto fail;
		if (nlive > 0 &&
		    (apply_vm_updates(db, r, host_id, nlive, err) == -1 ||
		    apply_ha_rows(db, r, host_id, o->now_wall_ms, err) == -1))
			goto fail;
	}
	if (apply_audit(db, r, o, record_confirm, err) == -1)
		goto fail;
	if (o->leader_lock != NULL && db_check_holds_lock(db, o->leader_lock,
	    err) == -1)
		goto fail;
	if (db_commit(db, err) == -1)
		goto fail_committed;
done:
	for (i = 0; i < r->nvms; i++) {
		switch (r->vms[i].outcome) {
		case VMO_REQUEUED:
			r->n_requeued++;
			/* FALLTHROUGH */
		case VMO_STOPPED:
			r->n_changed++;
			break;
		case VMO_SKIPPED:
			r->n_skipped++;
			break;
		default:
			break;
		}
	}
	r->statements = db->statements - stmt0;
	r->elapsed_us = clock_mono_us() - t0;
	return 0;
fail:
	db_rollback(db);
fail_committed:
	rec_result_free(r);
	return -1;
}

static int
read_id_list(struct db *db, const char *what, const char *sql, uint64_t **ids,
    size_t *n, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	size_t		 i = 0;

	if ((res = db_query(db, what, sql, err)) == NULL)
		return -1;
	*ids = xcalloc((size_t)mysql_num_rows(res), sizeof(**ids));
	while ((row = mysql_fetch_row(res)) != NULL)
		(*ids)[i++] = row_u64(row, 0, 0);
	*n = i;
	mysql_free_result(res);
	return 0;
}

int
reconcile_fenced_hosts(struct db *db, uint64_t **ids, size_t *n, char *err)
{
	char	sql[512], t[160];

	switch (hw_schema_present(db, err)) {
	case -1:
		return -1;
	case 0:
		*ids = NULL;
		*n = 0;
		return 0;
	}
	snprintf(sql, sizeof(sql), "SELECT host_id FROM %s WHERE cleared_at "
	    "IS NULL ORDER BY host_id", HWT(db, "fenced_host", t));
	return read_id_list(db, "read fenced hosts", sql, ids, n, err);
}

int
reconcile_unconfirmed_fenced(struct db *db, uint64_t **ids, size_t *n,
    char *err)
{
	char	sql[768], confirmed[256], t1[160], t2[160], t3[160];
	int	present;

	/* without hawatch's schema nothing is confirmed yet */
	if ((present = hw_schema_present(db, err)) == -1)
		return -1;
	confirmed[0] = '\0';
	if (present)
		snprintf(confirmed, sizeof(confirmed), " AND hc.resource_id NOT "
		    "IN (SELECT host_id FROM %s WHERE cleared_at IS NULL)",
		    HWT(db, "fenced_host", t3));
	snprintf(sql, sizeof(sql), "SELECT hc.resource_id FROM %s hc JOIN %s h "
	    "ON h.id = hc.resource_id WHERE hc.resource_type = 'Host' AND "
	    "hc.ha_state = 'Fenced' AND h.removed IS NULL%s "
	    "ORDER BY hc.resource_id", TBL(db, "ha_config", t1),
	    TBL(db, "host", t2), confirmed);
	return read_id_list(db, "read unconfirmed fenced hosts", sql, ids, n,
	    err);
}
