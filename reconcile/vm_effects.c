/*
 * vm_effects.c -- CloudStack's side effects of a forced stop: the reads
 * and decisions (src/core/stop_effects.h), and how they are shown in the
 * report, --json and the audit evidence.  The writes are in
 * vm_effects_write.c.  Contract in vm_effects.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_schema.h"
#include "util.h"
#include "vm_effects.h"
#include "vm_plan.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))

int
vm_effects_due(const struct rec_vm *v)
{
	switch (v->outcome) {
	case VMO_REQUEUED:
	case VMO_STOPPED:
	case VMO_PLAN_REQUEUE:
	case VMO_PLAN_STOP:
		return 1;
	default:
		return 0;
	}
}

/* "id, id, ..." of the due VMs (with usage events only: usage_only). */
static size_t
due_ids(struct sbuf *sb, const struct rec_result *r, int usage_only)
{
	size_t	i, n = 0;

	for (i = 0; i < r->nvms; i++) {
		if (!vm_effects_due(&r->vms[i]) ||
		    (usage_only && !r->vms[i].usage))
			continue;
		sbuf_add(sb, "%s%llu", n++ ? ", " : "",
		    (unsigned long long)r->vms[i].id);
	}
	return n;
}

static void
skip_vm(struct rec_vm *v, const char *why, size_t *nlive)
{
	if (reconcile_outcome_writes(v->outcome) && *nlive > 0)
		(*nlive)--;
	v->outcome = VMO_SKIPPED;
	snprintf(v->reason, sizeof(v->reason), "CloudStack's own stop would "
	    "fail: %s; left for an operator", why);
}

/* The offering of each VM with usage events, overlaid by its details. */
static int
read_offerings(struct db *db, struct rec_result *r, size_t *nlive, char *err)
{
	static const char *const dn[] = { "cpuNumber", "cpuSpeed", "memory" };
	struct stop_offering_facts	 f;
	MYSQL_RES			*res;
	MYSQL_ROW			 row;
	struct rec_vm			*v;
	struct sbuf			 sb;
	char				 tv[160], ts[160], td[160];
	const char			*why;
	size_t				 i;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT v.id, so.id IS NULL OR so.removed IS NOT NULL, "
	    "so.cpu, so.speed, so.ram_size");
	for (i = 0; i < 3; i++)
		sbuf_add(&sb, ", (SELECT d.value FROM %s d WHERE d.vm_id = v.id "
		    "AND d.name = '%s' ORDER BY d.id DESC LIMIT 1)",
		    TBL(db, "vm_instance_details", td), dn[i]);
	sbuf_add(&sb, " FROM %s v LEFT JOIN %s so ON so.id = "
	    "v.service_offering_id WHERE v.id IN (", TBL(db, "vm_instance", tv),
	    TBL(db, "service_offering", ts));
	if (due_ids(&sb, r, 1) == 0) {
		sbuf_free(&sb);
		return 0;
	}
	sbuf_add(&sb, ")");
	res = db_query(db, "read VM offerings", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = vm_plan_find(r, row_u64(row, 0, 0))) == NULL)
			continue;
		f.removed = row_u64(row, 1, 1) != 0;
		f.has_cpu = row[2] != NULL;
		f.has_speed = row[3] != NULL;
		f.has_ram = row[4] != NULL;
		f.cpu = row_u64(row, 2, 0);
		f.speed = row_u64(row, 3, 0);
		f.ram_size = row_u64(row, 4, 0);
		f.detail_cpu = row[5];
		f.detail_speed = row[6];
		f.detail_memory = row[7];
		v->offering = stop_rule_offering(&f, &v->dyn);
		if ((why = stop_offering_reason(v->offering)) != NULL)
			skip_vm(v, why, nlive);
	}
	mysql_free_result(res);
	return 0;
}

/* guru, traffic type and offering of the NICs' networks */
static int
read_networks(struct db *db, struct rec_result *r, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 i;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, guru_name, traffic_type, network_offering_id "
	    "FROM %s WHERE id IN (", TBL(db, "networks", t));
	for (i = 0; i < r->nnics; i++)
		sbuf_add(&sb, "%s%llu", i ? ", " : "",
		    (unsigned long long)r->nics[i].network_id);
	sbuf_add(&sb, ")");
	res = db_query(db, "read networks", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		for (i = 0; i < r->nnics; i++) {
			struct rec_nic *n = &r->nics[i];

			if (n->network_id != row_u64(row, 0, 0))
				continue;
			snprintf(n->guru, sizeof(n->guru), "%s",
			    row_str(row, 1, ""));
			snprintf(n->traffic, sizeof(n->traffic), "%s",
			    row_str(row, 2, ""));
			n->offering_id = row_u64(row, 3, 0);
		}
	mysql_free_result(res);
	return 0;
}

static void
decide_nics(struct rec_result *r)
{
	struct stop_nic_facts	 f;
	struct rec_vm		*v;
	size_t			 i;

	for (i = 0; i < r->nnics; i++) {
		struct rec_nic *n = &r->nics[i];

		if ((v = vm_plan_find(r, n->vm_id)) == NULL)
			continue;
		if (v->nnics++ == 0)
			v->nic0 = i;
		f.vm_type = v->type;
		f.nic_state = n->state;
		f.strategy = n->strategy;
		f.nic_vm_type = n->vm_type;
		f.guru_name = n->guru;
		f.traffic_type = n->traffic;
		stop_rule_nic(&f, &n->effect);
	}
}

/* The due VMs' non-removed NICs, locked like NetworkOrchestrator's
 * lockRow, then their networks. */
static int
read_nics(struct db *db, struct rec_result *r, int lock, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 n, i;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, instance_id, network_id, state, strategy, "
	    "vm_type FROM %s WHERE removed IS NULL AND instance_id IN (",
	    TBL(db, "nics", t));
	if (due_ids(&sb, r, 0) == 0) {
		sbuf_free(&sb);
		return 0;
	}
	sbuf_add(&sb, ") ORDER BY instance_id, id%s", lock ? " FOR UPDATE" : "");
	res = db_query(db, "read NICs", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	n = (size_t)mysql_num_rows(res);
	r->nics = xcalloc(n ? n : 1, sizeof(*r->nics));
	for (i = 0; i < n && (row = mysql_fetch_row(res)) != NULL; i++) {
		struct rec_nic *c = &r->nics[i];

		c->id = row_u64(row, 0, 0);
		c->vm_id = row_u64(row, 1, 0);
		c->network_id = row_u64(row, 2, 0);
		snprintf(c->state, sizeof(c->state), "%s", row_str(row, 3, ""));
		snprintf(c->strategy, sizeof(c->strategy), "%s",
		    row_str(row, 4, ""));
		snprintf(c->vm_type, sizeof(c->vm_type), "%s",
		    row_str(row, 5, ""));
	}
	r->nnics = i;
	mysql_free_result(res);
	if (r->nnics > 0 && read_networks(db, r, err) == -1)
		return -1;
	decide_nics(r);
	return 0;
}

/* The outstanding op_it_work row of each due VM whose type is its state. */
static int
read_it_work(struct db *db, struct rec_result *r, int lock, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	const char	*type;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, instance_id, type FROM %s WHERE step <> "
	    "'Done' AND instance_id IN (", TBL(db, "op_it_work", t));
	if (due_ids(&sb, r, 0) == 0) {
		sbuf_free(&sb);
		return 0;
	}
	sbuf_add(&sb, ") ORDER BY instance_id, created_at, id%s",
	    lock ? " FOR UPDATE" : "");
	res = db_query(db, "read op_it_work", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((v = vm_plan_find(r, row_u64(row, 1, 0))) == NULL ||
		    v->it_work_id[0] != '\0' ||
		    (type = stop_rule_it_work_type(v->state_before)) == NULL ||
		    strcmp(type, row_str(row, 2, "")) != 0)
			continue;
		snprintf(v->it_work_id, sizeof(v->it_work_id), "%s",
		    row_str(row, 0, ""));
	}
	mysql_free_result(res);
	return 0;
}

/* How many rows of each kind the due VMs' side effects write. */
static void
tally(struct rec_result *r)
{
	size_t	i, j;

	r->n_usage_events = r->n_usage_details = r->n_nics_released = 0;
	r->n_it_work = 0;
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		if (!vm_effects_due(v))
			continue;
		if (v->usage) {
			r->n_usage_events += 1 + (unsigned)v->nnics;
			if (v->offering == SOF_DYNAMIC)
				r->n_usage_details += 3;
		}
		for (j = 0; j < v->nnics; j++)
			if (r->nics[v->nic0 + j].effect.action == SNA_RELEASE)
				r->n_nics_released++;
		if (v->it_work_id[0] != '\0')
			r->n_it_work++;
	}
}

int
vm_effects_read(struct db *db, struct rec_result *r, int lock, size_t *nlive,
    char *err)
{
	size_t	i;

	if (read_offerings(db, r, nlive, err) == -1)
		return -1;
	free(r->nics);
	r->nics = NULL;
	r->nnics = 0;
	for (i = 0; i < r->nvms; i++)
		r->vms[i].nnics = r->vms[i].nic0 = 0;
	if (read_nics(db, r, lock, err) == -1 ||
	    read_it_work(db, r, lock, err) == -1)
		return -1;
	tally(r);
	return 0;
}

static const char *
nic_result(const struct rec_nic *n)
{
	switch (n->effect.action) {
	case SNA_NONE:
		return "unchanged";
	case SNA_RELEASE:
		return "released";
	case SNA_LEFT_SYSTEM_VM:
		return "left-to-cloudstack-system-vm";
	case SNA_LEFT_GURU:
		return "left-to-cloudstack-guru";
	}
	return "invalid";
}

void
vm_effects_json(struct sbuf *sb, const struct rec_result *r,
    const struct rec_vm *v)
{
	const struct rec_nic	*n;
	size_t			 j;

	sbuf_add(sb, "{\"usage_events\":[");
	if (v->usage) {
		sbuf_add(sb, "{\"type\":\"VM.STOP\",\"id\":");
		if (v->usage_event_id)
			sbuf_add(sb, "%llu",
			    (unsigned long long)v->usage_event_id);
		else
			sbuf_add(sb, "null");
		sbuf_add(sb, ",\"offering_id\":%llu",
		    (unsigned long long)v->offering_id);
		if (v->offering == SOF_DYNAMIC)
			sbuf_add(sb, ",\"details\":{\"cpuNumber\":\"%llu\","
			    "\"cpuSpeed\":\"%llu\",\"memory\":\"%llu\"}",
			    (unsigned long long)v->dyn.cpu_number,
			    (unsigned long long)v->dyn.cpu_speed,
			    (unsigned long long)v->dyn.memory);
		sbuf_add(sb, "}");
		for (j = 0; j < v->nnics; j++)
			sbuf_add(sb, ",{\"type\":\"NETWORK.OFFERING.REMOVE\","
			    "\"nic_id\":%llu,\"offering_id\":%llu}",
			    (unsigned long long)r->nics[v->nic0 + j].id,
			    (unsigned long long)
			    r->nics[v->nic0 + j].offering_id);
	}
	sbuf_add(sb, "],\"nics\":[");
	for (j = 0; j < v->nnics; j++) {
		n = &r->nics[v->nic0 + j];
		sbuf_add(sb, "%s{\"id\":%llu,\"network_id\":%llu,\"state\":",
		    j ? "," : "", (unsigned long long)n->id,
		    (unsigned long long)n->network_id);
		sbuf_json_str(sb, n->state);
		sbuf_add(sb, ",\"strategy\":");
		sbuf_json_str(sb, n->strategy);
		sbuf_add(sb, ",\"guru\":");
		sbuf_json_str(sb, n->guru);
		sbuf_add(sb, ",\"result\":\"%s\",\"clear_uris\":%s,"
		    "\"nics_count\":%d,\"check_for_gc\":%s}", nic_result(n),
		    n->effect.clear_uris ? "true" : "false",
		    n->effect.nics_count_delta,
		    n->effect.check_for_gc ? "true" : "false");
	}
	sbuf_add(sb, "],\"vm_network_map\":%s,\"op_it_work\":",
	    stop_rule_unmap(v->type) ? "\"delete\"" : "null");
	sbuf_json_str(sb, v->it_work_id[0] ? v->it_work_id : NULL);
	sbuf_add(sb, ",\"capacity\":\"left to CloudStack's recalculation "
	    "(300 s)\"}");
}

static const char *
no_usage_reason(const struct rec_vm *v)
{
	if (stop_rule_is_system_vm(v->type))
		return "system VM";
	if (!v->display_vm)
		return "display_vm=0";
	return "Starting->Stopped has no usage impact";
}

void
vm_effects_text(struct sbuf *sb, const struct rec_result *r,
    const struct rec_vm *v, const char *indent, int dry_run)
{
	const struct rec_nic	*n;
	size_t			 j;

	sbuf_add(sb, "%susage: ", indent);
	if (!v->usage)
		sbuf_add(sb, "none (%s)", no_usage_reason(v));
	else {
		sbuf_add(sb, "VM.STOP");
		if (v->usage_event_id)
			sbuf_add(sb, " #%llu",
			    (unsigned long long)v->usage_event_id);
		if (v->offering == SOF_DYNAMIC)
			sbuf_add(sb, " (custom: cpuNumber=%llu cpuSpeed=%llu "
			    "memory=%llu)", (unsigned long long)v->dyn.cpu_number,
			    (unsigned long long)v->dyn.cpu_speed,
			    (unsigned long long)v->dyn.memory);
		sbuf_add(sb, " + %zu NETWORK.OFFERING.REMOVE", v->nnics);
	}
	sbuf_add(sb, "%s\n", dry_run ? " (would write)" : "");
	if (stop_rule_is_system_vm(v->type)) {
		sbuf_add(sb, "%snics: %zu, release left to CloudStack (system "
		    "VM: its next start re-reserves them)\n", indent, v->nnics);
	} else {
		for (j = 0; j < v->nnics; j++) {
			n = &r->nics[v->nic0 + j];
			sbuf_add(sb, "%snic %llu (network %llu, %s, %s): %s",
			    indent, (unsigned long long)n->id,
			    (unsigned long long)n->network_id, n->strategy,
			    n->guru[0] ? n->guru : "?", n->state);
			if (n->effect.action == SNA_RELEASE)
				sbuf_add(sb, " -> Allocated%s%s%s",
				    n->effect.clear_uris ? ", URIs cleared" : "",
				    n->effect.nics_count_delta ?
				    ", nics_count -1" : "",
				    n->effect.check_for_gc ? ", check_for_gc" :
				    "");
			else if (n->effect.action == SNA_LEFT_GURU)
				sbuf_add(sb, ": release left to CloudStack "
				    "(guru not modelled)");
			else
				sbuf_add(sb, ": unchanged");
			sbuf_add(sb, "\n");
		}
		if (v->nnics > 0)
			sbuf_add(sb, "%svm_network_map: rows of its %zu NIC "
			    "network(s) deleted\n", indent, v->nnics);
	}
	if (v->it_work_id[0] != '\0')
		sbuf_add(sb, "%sop_it_work %s (%s): Done\n", indent,
		    v->it_work_id, v->state_before);
}
