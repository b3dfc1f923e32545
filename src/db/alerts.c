/*
 * alerts.c -- hawatch.alerts rows: raise, resolve, read back, and the
 * operator's audited clear (see alerts.h).  Every statement runs on the
 * caller's connection, bounded by its read/write timeouts (db.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "hw_schema.h"
#include "sbuf.h"
#include "util.h"

int
alerts_load(struct db *db, struct alert_host **out, size_t *n, char *err)
{
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	struct alert_host	*v = NULL;
	char			 sql[512], t[160];
	size_t			 cap = 0;
	int			 r;

	*out = NULL;
	*n = 0;
	if ((r = hw_schema_present(db, err)) != 1)
		return r;
	snprintf(sql, sizeof(sql), "SELECT host_id, kind, "
	    "SUM(cleared_at IS NULL), MAX(IF(cleared_at IS NULL, 0, id)) "
	    "FROM %s WHERE kind IN ('" ALERT_KIND_CONTRADICTION "', '"
	    ALERT_KIND_IDENTITY "') GROUP BY host_id, kind ORDER BY host_id",
	    hw_table(db, "alerts", t, sizeof(t)));
	if ((res = db_query(db, "read alerts", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		uint64_t	id = row_u64(row, 0, 0);
		int		contra = strcmp(row_str(row, 1, ""),
				    ALERT_KIND_CONTRADICTION) == 0;

		if (*n == 0 || v[*n - 1].host_id != id) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				if ((v = realloc(v, cap * sizeof(*v))) == NULL)
					abort();
			}
			memset(&v[*n], 0, sizeof(v[*n]));
			v[(*n)++].host_id = id;
		}
		if (contra) {
			v[*n - 1].contradiction_open = row_u64(row, 2, 0) > 0;
			v[*n - 1].contradiction_cleared = row_u64(row, 3, 0);
		} else
			v[*n - 1].identity_open = row_u64(row, 2, 0) > 0;
	}
	mysql_free_result(res);
	*out = v;
	return 0;
}

int
alerts_raise(struct db *db, uint64_t host, const char *kind,
    const char *actor, const char *detail, char *err)
{
	struct sbuf	sb;
	char		t[160];
	int		rc;

	if (hw_schema_ensure(db, err) == -1)
		return -1;
	hw_table(db, "alerts", t, sizeof(t));
	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (host_id, kind, raised_at, raised_by, "
	    "detail) SELECT %llu, ", t, (unsigned long long)host);
	db_quote(db, &sb, kind);
	sbuf_add(&sb, ", UTC_TIMESTAMP(3), ");
	db_quote(db, &sb, actor);
	sbuf_add(&sb, ", ");
	db_quote(db, &sb, detail);
	sbuf_add(&sb, " FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM %s WHERE "
	    "host_id = %llu AND kind = ", t, (unsigned long long)host);
	db_quote(db, &sb, kind);
	sbuf_add(&sb, " AND cleared_at IS NULL)");
	rc = db_exec(db, "raise alert", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

/* UPDATE ... SET cleared_* of the open (host, kind) rows into sb. */
static void
close_sql(struct db *db, struct sbuf *sb, uint64_t host, const char *kind,
    const char *actor, const char *reason)
{
	char	t[160];

	sbuf_add(sb, "UPDATE %s SET cleared_at = UTC_TIMESTAMP(3), "
	    "cleared_by = ", hw_table(db, "alerts", t, sizeof(t)));
	db_quote(db, sb, actor);
	sbuf_add(sb, ", reason = ");
	db_quote(db, sb, reason);
	sbuf_add(sb, " WHERE host_id = %llu AND kind = ",
	    (unsigned long long)host);
	db_quote(db, sb, kind);
	sbuf_add(sb, " AND cleared_at IS NULL");
}

int
alerts_resolve(struct db *db, uint64_t host, const char *kind,
    const char *actor, const char *reason, char *err)
{
	struct sbuf	sb;
	int		rc;

	if (hw_schema_ensure(db, err) == -1)
		return -1;
	sbuf_init(&sb);
	close_sql(db, &sb, host, kind, actor, reason);
	rc = db_exec(db, "resolve alert", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

int
alerts_clear(struct db *db, uint64_t host, const char *kind,
    const char *actor, const char *reason, char *err)
{
	struct audit_row	 a;
	struct sbuf		 sb, ev;
	unsigned long long	 n = 0;

	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		return -1;
	sbuf_init(&sb);
	sbuf_init(&ev);
	close_sql(db, &sb, host, kind, actor, reason);
	if (db_exec(db, "clear alert", sb.s, &n, err) == -1)
		goto fail;
	if (n > 0) {
		sbuf_add(&ev, "{\"kind\":");
		sbuf_json_str(&ev, kind);
		sbuf_add(&ev, ",\"rows\":%llu}", n);
		memset(&a, 0, sizeof(a));
		a.action = "alert.cleared";
		a.host_id = host;
		a.reason = reason;
		a.evidence = ev.s;
		sbuf_free(&sb);
		sbuf_init(&sb);
		audit_insert_begin(db, &sb);
		audit_insert_row(db, &sb, 1, actor, "alerts", &a);
		if (db_exec(db, "write audit", sb.s, NULL, err) == -1)
			goto fail;
	}
	if (db_commit(db, err) == -1)
		goto fail_nr;
	sbuf_free(&sb);
	sbuf_free(&ev);
	return (int)n;
fail:
	db_rollback(db);
fail_nr:
	sbuf_free(&sb);
	sbuf_free(&ev);
	return -1;
}

static void
copy_col(char *dst, size_t len, MYSQL_ROW row, unsigned i)
{
	snprintf(dst, len, "%s", row_str(row, i, ""));
}

int
alerts_list(struct db *db, struct alert_row **out, size_t *n, size_t max,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct alert_row *v;
	char		 sql[512], t[160];
	int		 r;

	*out = NULL;
	*n = 0;
	if ((r = hw_schema_present(db, err)) != 1)
		return r;
	snprintf(sql, sizeof(sql), "SELECT id, host_id, kind, raised_at, "
	    "raised_by, detail, cleared_at, cleared_by, reason FROM %s "
	    "ORDER BY cleared_at IS NOT NULL, id DESC LIMIT %zu",
	    hw_table(db, "alerts", t, sizeof(t)), max);
	if ((res = db_query(db, "read alerts", sql, err)) == NULL)
		return -1;
	v = xcalloc(max + 1, sizeof(*v));
	while ((row = mysql_fetch_row(res)) != NULL && *n < max) {
		struct alert_row *a = &v[(*n)++];

		a->id = row_u64(row, 0, 0);
		a->host_id = row_u64(row, 1, 0);
		copy_col(a->kind, sizeof(a->kind), row, 2);
		copy_col(a->raised_at, sizeof(a->raised_at), row, 3);
		copy_col(a->raised_by, sizeof(a->raised_by), row, 4);
		copy_col(a->detail, sizeof(a->detail), row, 5);
		a->cleared = row[6] != NULL;
		copy_col(a->cleared_at, sizeof(a->cleared_at), row, 6);
		copy_col(a->cleared_by, sizeof(a->cleared_by), row, 7);
		copy_col(a->reason, sizeof(a->reason), row, 8);
	}
	mysql_free_result(res);
	*out = v;
	return 0;
}
