/*
 * fence_records.c -- hawatch's fenced_host records: which hosts count as
 * confirmed fenced, by whom, and what CloudStack said about the host then
 * (its status and update_count, so that a later reconnect makes the record
 * stale: src/core/reconcile_rules.h, rule "fenced").  Without hawatch's
 * schema there are no records yet; reads then answer "none".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fence_records.h"
#include "hw_schema.h"
#include "util.h"

#define TBL(db, name, buf)	cs_table(db, name, buf, sizeof(buf))
#define HWT(db, name, buf)	hw_table(db, name, buf, sizeof(buf))

static void
copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

int
fence_record_read(struct db *db, uint64_t host_id, struct fence_record *fr,
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

int
fence_record_write(struct db *db, const struct rec_result *r,
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
