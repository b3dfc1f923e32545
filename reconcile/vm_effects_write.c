/*
 * vm_effects_write.c -- write CloudStack's side effects of a forced stop,
 * inside reconcile_host()'s transaction, after the VMs are marked Stopped
 * (decisions in src/core/stop_effects.h, reads in vm_effects.c):
 *
 *   usage_event          VM.STOP: type, account_id, created=UTC now,
 *                        zone_id, resource_id=vm id, resource_name=vm name,
 *                        offering_id, template_id, size NULL,
 *                        resource_type=hypervisor_type, processed 0,
 *                        virtual_size NULL; then per non-removed NIC
 *                        NETWORK.OFFERING.REMOVE: resource_name=nic id,
 *                        offering_id=the network's offering, template_id
 *                        NULL, size 0, resource_type NULL
 *   usage_event_details  cpuNumber, cpuSpeed, memory for a custom offering
 *   nics                 state Allocated (broadcast_uri, isolation_uri NULL
 *                        where the guru clears them)
 *   op_networks          nics_count - k, check_for_gc = 1
 *   vm_network_map       the User VM's rows of its NICs' networks deleted
 *   op_it_work           step Done, updated_at = epoch seconds now
 *
 * Each statement covers every VM of the host; a count that does not match
 * what the locked reads promised rolls the whole host back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_schema.h"
#include "util.h"
#include "vm_effects.h"
#include "vm_plan.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))

static int
written(const struct rec_vm *v)
{
	return reconcile_outcome_writes(v->outcome);
}

static void
add_event_rows(struct db *db, struct sbuf *sb, const struct rec_result *r,
    const struct rec_vm *v, size_t *n)
{
	size_t	j;

	sbuf_add(sb, "%s('VM.STOP', %llu, UTC_TIMESTAMP(), %llu, %llu, ",
	    (*n)++ ? ", " : "", (unsigned long long)v->account_id,
	    (unsigned long long)v->zone_id, (unsigned long long)v->id);
	db_quote(db, sb, v->name);
	sbuf_add(sb, ", %llu, ", (unsigned long long)v->offering_id);
	if (v->template_null)
		sbuf_add(sb, "NULL");
	else
		sbuf_add(sb, "%llu", (unsigned long long)v->template_id);
	sbuf_add(sb, ", NULL, ");
	db_quote(db, sb, v->hypervisor);
	sbuf_add(sb, ", 0, NULL)");
	for (j = 0; j < v->nnics; j++) {
		const struct rec_nic *c = &r->nics[v->nic0 + j];

		sbuf_add(sb, ", ('NETWORK.OFFERING.REMOVE', %llu, "
		    "UTC_TIMESTAMP(), %llu, %llu, '%llu', ",
		    (unsigned long long)v->account_id,
		    (unsigned long long)v->zone_id, (unsigned long long)v->id,
		    (unsigned long long)c->id);
		if (c->offering_id)
			sbuf_add(sb, "%llu", (unsigned long long)c->offering_id);
		else
			sbuf_add(sb, "NULL");
		sbuf_add(sb, ", NULL, 0, NULL, 0, NULL)");
		(*n)++;
	}
}

/* The VM.STOP ids given (whatever the auto-increment mode), then the
 * details of the custom offerings. */
static int
write_details(struct db *db, struct rec_result *r, uint64_t first_id,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct rec_vm	*v;
	struct sbuf	 sb;
	char		 t[160];
	size_t		 i, n = 0;
	int		 rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT id, resource_id FROM %s WHERE id >= %llu AND "
	    "type = 'VM.STOP' AND resource_id IN (", TBL(db, "usage_event", t),
	    (unsigned long long)first_id);
	for (i = 0; i < r->nvms; i++)
		if (written(&r->vms[i]) && r->vms[i].usage)
			sbuf_add(&sb, "%s%llu", n++ ? ", " : "",
			    (unsigned long long)r->vms[i].id);
	sbuf_add(&sb, ") ORDER BY id");
	res = db_query(db, "read usage events", sb.s, err);
	if (res == NULL) {
		sbuf_free(&sb);
		return -1;
	}
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((v = vm_plan_find(r, row_u64(row, 1, 0))) != NULL &&
		    v->usage_event_id == 0)
			v->usage_event_id = row_u64(row, 0, 0);
	mysql_free_result(res);
	sbuf_reset(&sb);
	sbuf_add(&sb, "INSERT INTO %s (usage_event_id, name, value) VALUES ",
	    TBL(db, "usage_event_details", t));
	for (i = n = 0; i < r->nvms; i++) {
		v = &r->vms[i];
		if (!written(v) || !v->usage || v->offering != SOF_DYNAMIC)
			continue;
		sbuf_add(&sb, "%s(%llu, 'cpuNumber', '%llu'), (%llu, "
		    "'cpuSpeed', '%llu'), (%llu, 'memory', '%llu')",
		    n++ ? ", " : "", (unsigned long long)v->usage_event_id,
		    (unsigned long long)v->dyn.cpu_number,
		    (unsigned long long)v->usage_event_id,
		    (unsigned long long)v->dyn.cpu_speed,
		    (unsigned long long)v->usage_event_id,
		    (unsigned long long)v->dyn.memory);
	}
	rc = n ? db_exec(db, "write usage event details", sb.s, NULL, err) : 0;
	sbuf_free(&sb);
	return rc;
}

static int
write_usage(struct db *db, struct rec_result *r, char *err)
{
	struct sbuf	sb;
	char		t[160];
	size_t		i, n = 0;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (type, account_id, created, zone_id, "
	    "resource_id, resource_name, offering_id, template_id, size, "
	    "resource_type, processed, virtual_size) VALUES ",
	    TBL(db, "usage_event", t));
	for (i = 0; i < r->nvms; i++)
		if (written(&r->vms[i]) && r->vms[i].usage)
			add_event_rows(db, &sb, r, &r->vms[i], &n);
	if (n == 0) {
		sbuf_free(&sb);
		return 0;
	}
	if (db_exec(db, "write usage events", sb.s, NULL, err) == -1) {
		sbuf_free(&sb);
		return -1;
	}
	sbuf_free(&sb);
	return write_details(db, r, mysql_insert_id(db->m), err);
}

/* 1 for a NIC of a written VM that is released */
static int
released(struct rec_result *r, const struct rec_nic *c)
{
	const struct rec_vm *v = vm_plan_find(r, c->vm_id);

	return v != NULL && written(v) && c->effect.action == SNA_RELEASE;
}

static int
write_nics(struct db *db, struct rec_result *r, char *err)
{
	struct sbuf		 sb, clr;
	char			 t[160];
	unsigned long long	 affected = 0;
	size_t			 i, n = 0, nc = 0;
	int			 rc = 0;

	sbuf_init(&sb);
	sbuf_init(&clr);
	for (i = 0; i < r->nnics; i++)
		if (released(r, &r->nics[i]) && r->nics[i].effect.clear_uris)
			sbuf_add(&clr, "%s%llu", nc++ ? ", " : "",
			    (unsigned long long)r->nics[i].id);
	sbuf_add(&sb, "UPDATE %s SET state = 'Allocated'", TBL(db, "nics", t));
	if (nc > 0)
		sbuf_add(&sb, ", broadcast_uri = IF(id IN (%s), NULL, "
		    "broadcast_uri), isolation_uri = IF(id IN (%s), NULL, "
		    "isolation_uri)", clr.s, clr.s);
	sbuf_add(&sb, " WHERE state IN ('Reserved', 'Reserving') AND id IN (");
	for (i = 0; i < r->nnics; i++)
		if (released(r, &r->nics[i]))
			sbuf_add(&sb, "%s%llu", n++ ? ", " : "",
			    (unsigned long long)r->nics[i].id);
	sbuf_add(&sb, ")");
	if (n > 0) {
		rc = db_exec(db, "release NICs", sb.s, &affected, err);
		if (rc == 0 && affected != n) {
			set_err(err, "host %llu: releasing NICs matched %llu rows, "
			    "expected %zu; rolled back",
			    (unsigned long long)r->host_id, affected, n);
			rc = -1;
		}
	}
	r->n_nics_released = (unsigned)n;
	sbuf_free(&sb);
	sbuf_free(&clr);
	return rc;
}

/* nics_count - k and check_for_gc = 1 per network, one statement. */
static int
write_op_networks(struct db *db, struct rec_result *r, char *err)
{
	struct sbuf	 sb, ids, gc;
	char		 t[160];
	size_t		 i, j, n = 0, ngc = 0;
	int		 k, seen, rc = 0;

	sbuf_init(&sb);
	sbuf_init(&ids);
	sbuf_init(&gc);
	sbuf_add(&sb, "UPDATE %s SET nics_count = CASE id",
	    TBL(db, "op_networks", t));
	for (i = 0; i < r->nnics; i++) {
		const struct rec_nic *c = &r->nics[i];

		if (!released(r, c) || (c->effect.nics_count_delta == 0 &&
		    !c->effect.check_for_gc))
			continue;
		for (j = seen = 0; j < i && !seen; j++)	/* first of its network */
			seen = r->nics[j].network_id == c->network_id &&
			    released(r, &r->nics[j]);
		if (seen)
			continue;
		for (j = i, k = 0; j < r->nnics; j++)
			if (r->nics[j].network_id == c->network_id &&
			    released(r, &r->nics[j]))
				k -= r->nics[j].effect.nics_count_delta;
		/* nics_count is unsigned: never below 0 */
		sbuf_add(&sb, " WHEN %llu THEN IF(nics_count >= %d, nics_count "
		    "- %d, 0)", (unsigned long long)c->network_id, k, k);
		sbuf_add(&ids, "%s%llu", n++ ? ", " : "",
		    (unsigned long long)c->network_id);
		for (j = i; j < r->nnics; j++)
			if (r->nics[j].network_id == c->network_id &&
			    released(r, &r->nics[j]) &&
			    r->nics[j].effect.check_for_gc) {
				sbuf_add(&gc, "%s%llu", ngc++ ? ", " : "",
				    (unsigned long long)c->network_id);
				break;
			}
	}
	if (n > 0) {
		sbuf_add(&sb, " ELSE nics_count END");
		if (ngc > 0)
			sbuf_add(&sb, ", check_for_gc = IF(id IN (%s), 1, "
			    "check_for_gc)", gc.s);
		sbuf_add(&sb, " WHERE id IN (%s)", ids.s);
		rc = db_exec(db, "update op_networks", sb.s, NULL, err);
	}
	sbuf_free(&sb);
	sbuf_free(&ids);
	sbuf_free(&gc);
	return rc;
}

/* A User VM's vm_network_map rows of its non-removed NICs' networks. */
static int
write_unmap(struct db *db, struct rec_result *r, char *err)
{
	struct sbuf		 sb;
	struct rec_vm		*v;
	char			 t[160];
	unsigned long long	 affected = 0;
	size_t			 i, n = 0;
	int			 rc = 0;

	sbuf_init(&sb);
	sbuf_add(&sb, "DELETE FROM %s WHERE (vm_id, network_id) IN (",
	    TBL(db, "vm_network_map", t));
	for (i = 0; i < r->nnics; i++) {
		v = vm_plan_find(r, r->nics[i].vm_id);
		if (v == NULL || !written(v) || !stop_rule_unmap(v->type))
			continue;
		sbuf_add(&sb, "%s(%llu, %llu)", n++ ? ", " : "",
		    (unsigned long long)v->id,
		    (unsigned long long)r->nics[i].network_id);
	}
	sbuf_add(&sb, ")");
	if (n > 0)
		rc = db_exec(db, "delete vm_network_map rows", sb.s, &affected,
		    err);
	r->n_map_rows = (unsigned)affected;
	sbuf_free(&sb);
	return rc;
}

static int
write_it_work(struct db *db, struct rec_result *r, char *err)
{
	struct sbuf		 sb;
	char			 t[160];
	unsigned long long	 affected = 0;
	size_t			 i, n = 0;
	int			 rc = 0;

	sbuf_init(&sb);
	/* ItWorkDaoImpl.update: updated_at in epoch seconds */
	sbuf_add(&sb, "UPDATE %s SET step = 'Done', updated_at = "
	    "UNIX_TIMESTAMP() WHERE step <> 'Done' AND id IN (",
	    TBL(db, "op_it_work", t));
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		if (!written(v) || v->it_work_id[0] == '\0')
			continue;
		sbuf_add(&sb, "%s", n++ ? ", " : "");
		db_quote(db, &sb, v->it_work_id);
	}
	sbuf_add(&sb, ")");
	if (n > 0) {
		rc = db_exec(db, "close op_it_work", sb.s, &affected, err);
		if (rc == 0 && affected != n) {
			set_err(err, "host %llu: closing op_it_work matched %llu "
			    "rows, expected %zu; rolled back",
			    (unsigned long long)r->host_id, affected, n);
			rc = -1;
		}
	}
	r->n_it_work = (unsigned)n;
	sbuf_free(&sb);
	return rc;
}

int
vm_effects_write(struct db *db, struct rec_result *r, char *err)
{
	if (write_usage(db, r, err) == -1 || write_nics(db, r, err) == -1 ||
	    write_op_networks(db, r, err) == -1 ||
	    write_unmap(db, r, err) == -1 || write_it_work(db, r, err) == -1)
		return -1;
	return 0;
}
