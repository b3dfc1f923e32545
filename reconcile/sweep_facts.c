/*
 * sweep_facts.c -- the paused-domain sweeper's reads of CloudStack: its
 * KVM hosts (for `hawatch sweep`) and the facts about the paused domains.
 * The sweeper's audit rows are in sweep_audit.c, the stale backup rows in
 * sweep_backups.c.
 *
 * Where it sits: reconcile/sweep.c calls these between observing libvirt
 * and deciding; cmd_sweep.c reads the hosts.  Reads are a constant number
 * of statements per run, never one per VM; every statement is bounded by
 * the session's timeouts.
 *
 * Facts per paused domain (CloudStack names a KVM domain by
 * vm_instance.instance_name and gives it the VM's uuid; either matches,
 * the name first):
 *   state, host_id, removed        "Running here" is the core's rule
 *                                  (sweep_cs_running_here())
 *   a vm_snapshots row in Creating, Reverting or Expunging (removed NULL)
 *   a snapshots row (volume snapshot) of one of its attached volumes in
 *   Creating, CreatedOnPrimary, BackingUp or Copying (removed NULL)
 *   the latest backups row (by id, any status) with its age from `date`
 *
 * Returns: 0 / -1 with err filled (names the statement).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
