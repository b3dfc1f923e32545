/*
 * console_log.c -- store and read console captures (console_log.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_log.h"
#include "hw_schema.h"
#include "util.h"

static void
console_hex(struct sbuf *sb, const unsigned char *p, size_t n)
{
	static const char	hx[] = "0123456789abcdef";
	char			chunk[513];
	size_t			i, o;

	if (n == 0) {
		sbuf_add(sb, "''");
		return;
	}
	sbuf_reserve(sb, n * 2 + 4);
	sbuf_add(sb, "X'");
	while (n > 0) {
		for (i = 0, o = 0; i < n && o + 2 < sizeof(chunk); i++) {
			chunk[o++] = hx[p[i] >> 4];
			chunk[o++] = hx[p[i] & 15];
		}
		chunk[o] = '\0';
		sbuf_add(sb, "%s", chunk);
		p += i;
		n -= i;
	}
	sbuf_add(sb, "'");
}

int
console_log_insert(struct db *db, const struct console_capture_in *c,
    uint64_t *id, char *err)
{
	struct sbuf	sb;
	char		t[160], a[160];
	int		rc = -1;

	sbuf_init(&sb);
	hw_table(db, "console_log", t, sizeof(t));
	hw_table(db, "audit", a, sizeof(a));
	sbuf_add(&sb, "INSERT INTO %s (host_id, fence_audit_id, captured_at, "
	    "actor, source, bytes, complete, reason, elapsed_ms, data) SELECT "
	    "%llu, (SELECT MAX(id) FROM %s WHERE host_id = %llu AND action = "
	    "'host.fence_requested'), UTC_TIMESTAMP(3), ", t,
	    (unsigned long long)c->host_id, a, (unsigned long long)c->host_id);
	db_quote(db, &sb, c->actor);
	sbuf_add(&sb, ", ");
	db_quote(db, &sb, c->source);
	sbuf_add(&sb, ", %zu, %d, ", c->len, c->complete ? 1 : 0);
	db_quote(db, &sb, c->reason ? c->reason : "");
	sbuf_add(&sb, ", %llu, ", (unsigned long long)(c->elapsed_ms >
	    0xffffffffu ? 0xffffffffu : c->elapsed_ms));
	console_hex(&sb, c->data, c->len);
	if (db_exec(db, "store console capture", sb.s, NULL, err) == -1)
		goto out;
	if (db_query_u64(db, "console capture id", "SELECT LAST_INSERT_ID()",
	    id, err) != 0)
		goto out;
	/* keep the newest CONSOLE_LOG_KEEP of this host */
	sbuf_reset(&sb);
	sbuf_add(&sb, "DELETE FROM %s WHERE host_id = %llu AND id <= (SELECT "
	    "id FROM (SELECT id FROM %s WHERE host_id = %llu ORDER BY id DESC "
	    "LIMIT 1 OFFSET %d) AS old)", t, (unsigned long long)c->host_id, t,
	    (unsigned long long)c->host_id, CONSOLE_LOG_KEEP);
	if (db_exec(db, "trim console captures", sb.s, NULL, err) == -1)
		goto out;
	rc = 0;
out:
	sbuf_free(&sb);
	return rc;
}

int
console_log_read(struct db *db, uint64_t host, uint64_t fence,
    struct console_row *r, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	unsigned long	*lens;
	char		 sql[512], t[160], w[64];
	int		 p;

	memset(r, 0, sizeof(*r));
	if ((p = hw_schema_present(db, err)) != 1)
		return p;
	if (fence != 0)
		snprintf(w, sizeof(w), "AND fence_audit_id = %llu",
		    (unsigned long long)fence);
	else
		w[0] = '\0';
	snprintf(sql, sizeof(sql), "SELECT id, host_id, fence_audit_id, "
	    "captured_at, source, complete, reason, elapsed_ms, data FROM %s "
	    "WHERE host_id = %llu %s ORDER BY id DESC LIMIT 1",
	    hw_table(db, "console_log", t, sizeof(t)),
	    (unsigned long long)host, w);
	if ((res = db_query(db, "read console capture", sql, err)) == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) == NULL) {
		mysql_free_result(res);
		return 0;
	}
	lens = mysql_fetch_lengths(res);
	r->id = row_u64(row, 0, 0);
	r->host_id = row_u64(row, 1, 0);
	r->fence_audit_id = row_u64(row, 2, 0);
	snprintf(r->captured_at, sizeof(r->captured_at), "%s",
	    row_str(row, 3, ""));
	snprintf(r->source, sizeof(r->source), "%s", row_str(row, 4, ""));
	r->complete = row_u64(row, 5, 0) != 0;
	snprintf(r->reason, sizeof(r->reason), "%s", row_str(row, 6, ""));
	r->elapsed_ms = row_u64(row, 7, 0);
	r->len = row[8] != NULL ? lens[8] : 0;
	r->data = xcalloc(1, r->len + 1);
	if (r->len > 0)
		memcpy(r->data, row[8], r->len);
	mysql_free_result(res);
	return 1;
}

void
console_row_free(struct console_row *r)
{
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

void
console_escape(const unsigned char *p, size_t n, struct sbuf *sb)
{
	char	run[256];
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (o + 5 >= sizeof(run)) {
			run[o] = '\0';
			sbuf_add(sb, "%s", run);
			o = 0;
		}
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;	/* a serial line end: just a line break */
		if (c == '\n' || (c >= 0x20 && c < 0x7f && c != '\\')) {
			run[o++] = (char)c;
			continue;
		}
		run[o++] = '\\';
		switch (c) {
		case '\\': run[o++] = '\\'; break;
		case '\r': run[o++] = 'r'; break;
		case '\t': run[o++] = 't'; break;
		case 0x1b: run[o++] = 'e'; break;
		default:
			o += (size_t)snprintf(run + o, sizeof(run) - o, "x%02x",
			    c);
		}
	}
	run[o] = '\0';
	sbuf_add(sb, "%s", run);
}
