/*
 * ha_claims.c -- release HA work claimed by dead management servers.
 *
 * Plan with a plain read, then in one transaction lock the same rows FOR
 * UPDATE with the same liveness condition re-evaluated (a server that came
 * back in between keeps its rows), clear the claims, write one audit row
 * per released work item, re-check leadership when asked, commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ha_claims.h"
#include "hw_schema.h"
#include "util.h"

void
claim_result_free(struct claim_result *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

void
ms_live_sql(struct sbuf *sb, const char *alias, uint64_t dead_after_ms)
{
	/* a missing mshost row (LEFT JOIN) or a NULL last_update is not live */
	sbuf_add(sb, "COALESCE(%s.removed IS NULL AND %s.last_update > "
	    "UTC_TIMESTAMP() - INTERVAL %llu SECOND, 0)", alias, alias,
	    (unsigned long long)(dead_after_ms / 1000));
}

/* rows claimed by a server that is not live, not in a final step */
static void
dead_claims_sql(struct db *db, struct sbuf *sb, uint64_t dead_after_ms,
    int for_update)
{
	char	tw[160], tm[160];

	sbuf_add(sb, "SELECT w.id, w.instance_id, w.mgmt_server_id, w.step, "
	    "w.taken, ms.last_update FROM %s w LEFT JOIN %s ms ON ms.msid = "
	    "w.mgmt_server_id WHERE w.mgmt_server_id IS NOT NULL AND "
	    "w.step NOT IN ('Done', 'Cancelled', 'Error') AND NOT ",
	    cs_table(db, "op_ha_work", tw, sizeof(tw)),
	    cs_table(db, "mshost", tm, sizeof(tm)));
	ms_live_sql(sb, "ms", dead_after_ms);
	sbuf_add(sb, " ORDER BY w.id%s", for_update ? " FOR UPDATE" : "");
}

static int
read_claims(struct db *db, uint64_t dead_after_ms, int for_update,
    struct claim_result *r, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	struct claim	*c;
	size_t		 n;

	sbuf_init(&sb);
	dead_claims_sql(db, &sb, dead_after_ms, for_update);
	res = db_query(db, "read dead-server claims", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	n = (size_t)mysql_num_rows(res);
	r->v = xcalloc(n, sizeof(*r->v));
	r->n = 0;
	while ((row = mysql_fetch_row(res)) != NULL) {
		c = &r->v[r->n++];
		c->work_id = row_u64(row, 0, 0);
		c->instance_id = row_u64(row, 1, 0);
		c->msid = row_u64(row, 2, 0);
		snprintf(c->step, sizeof(c->step), "%s", row_str(row, 3, ""));
		snprintf(c->taken, sizeof(c->taken), "%s", row_str(row, 4, ""));
		snprintf(c->ms_last_update, sizeof(c->ms_last_update), "%s",
		    row_str(row, 5, "never"));
	}
	mysql_free_result(res);
	return 0;
}

/* Only rows still dead-claimed by the same server are released; returns
 * how many. */
static size_t
mark_released(struct claim_result *r, const struct claim_result *locked)
{
	size_t	i, j, n = 0;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < locked->n; j++)
			if (locked->v[j].work_id == r->v[i].work_id &&
			    locked->v[j].msid == r->v[i].msid)
				break;
		if (j == locked->n)
			snprintf(r->v[i].reason, sizeof(r->v[i].reason),
			    "changed concurrently (claim or step moved, or the "
			    "server came back)");
		else {
			r->v[i].released = 1;
			n++;
		}
	}
	return n;
}

/* One UPDATE for the n released rows; it must match exactly n. */
static int
release_rows(struct db *db, const struct claim_result *r, size_t n, char *err)
{
	struct sbuf		sb;
	char			t[160];
	unsigned long long	affected;
	size_t			i, j = 0;
	int			rc = 0;

	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE %s SET mgmt_server_id = NULL, taken = NULL WHERE ",
	    cs_table(db, "op_ha_work", t, sizeof(t)));
	for (i = 0; i < r->n; i++) {
		if (!r->v[i].released)
			continue;
		sbuf_add(&sb, "%s(id = %llu AND mgmt_server_id = %llu)",
		    j++ ? " OR " : "", (unsigned long long)r->v[i].work_id,
		    (unsigned long long)r->v[i].msid);
	}
	if (db_exec(db, "release claims", sb.s, &affected, err) == -1 ||
	    affected != n) {
		if (affected != n)
			set_err(err, "releasing claims matched %llu rows, "
			    "expected %zu; rolled back", affected, n);
		rc = -1;
	}
	sbuf_free(&sb);
	return rc;
}

/* The audit row of each released claim, then the leadership re-check. */
static int
audit_released(struct db *db, const struct claim_opts *o,
    const struct claim_result *r, char *err)
{
	struct audit_row	 a;
	struct sbuf		 sb, ev;
	size_t			 i, j = 0;
	int			 rc;

	sbuf_init(&sb);
	sbuf_init(&ev);
	audit_insert_begin(db, &sb);
	for (i = 0; i < r->n; i++) {
		const struct claim *c = &r->v[i];

		if (!c->released)
			continue;
		sbuf_reset(&ev);
		sbuf_add(&ev, "{\"msid\":%llu,\"ms_last_update\":",
		    (unsigned long long)c->msid);
		sbuf_json_str(&ev, c->ms_last_update);
		sbuf_add(&ev, ",\"step\":");
		sbuf_json_str(&ev, c->step);
		sbuf_add(&ev, ",\"taken\":");
		sbuf_json_str(&ev, c->taken);
		sbuf_add(&ev, ",\"dead_after_s\":%llu}",
		    (unsigned long long)(o->ms_dead_after_ms / 1000));
		memset(&a, 0, sizeof(a));
		a.action = "ha.claim_released";
		a.vm_id = c->instance_id;
		a.ha_work_id = c->work_id;
		a.reason = "management server dead";
		a.evidence = ev.s;
		audit_insert_row(db, &sb, j++ == 0, o->actor, o->command, &a);
	}
	rc = db_exec(db, "write audit", sb.s, NULL, err);
	if (rc == 0 && o->leader_lock != NULL)
		rc = db_check_holds_lock(db, o->leader_lock, err);
	sbuf_free(&sb);
	sbuf_free(&ev);
	return rc;
}

int
release_dead_claims(struct db *db, const struct claim_opts *o,
    struct claim_result *r, char *err)
{
	struct claim_result	 locked = { 0 };
	unsigned long		 stmt0 = db->statements;
	size_t			 i, n;

	memset(r, 0, sizeof(*r));
	if (read_claims(db, o->ms_dead_after_ms, 0, r, err) == -1)
		return -1;
	if (o->dry_run || r->n == 0)
		goto done;
	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		goto fail;
	if (read_claims(db, o->ms_dead_after_ms, 1, &locked, err) == -1)
		goto fail;
	if ((n = mark_released(r, &locked)) == 0) {
		db_rollback(db);
		goto done;
	}
	if (release_rows(db, r, n, err) == -1 ||
	    audit_released(db, o, r, err) == -1)
		goto fail;
	if (db_commit(db, err) == -1)
		goto fail_nocommit;
done:
	for (i = 0; i < r->n; i++) {
		if (r->v[i].released)
			r->n_released++;
		else if (r->v[i].reason[0] != '\0')
			r->n_skipped++;
	}
	claim_result_free(&locked);
	r->statements = db->statements - stmt0;
	return 0;
fail:
	db_rollback(db);
fail_nocommit:
	claim_result_free(&locked);
	claim_result_free(r);
	return -1;
}
