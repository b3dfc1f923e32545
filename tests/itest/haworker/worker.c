/*
 * worker.c -- the HA-worker fixture's worker threads (3.3): take() a due
 * unclaimed row, processWork (restart, reschedule, give up) and write the
 * row back; reconnect after a database error.
 */
#include <stdint.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* take(msid): 1 took w, 0 nothing due, -1 DB error */
static int
take(struct db *db, struct work *w, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 got = 0;

	if (db_begin(db, err) == -1)
		return -1;
	res = haw_query(db, "take", err, "SELECT id, instance_id, type, "
	    "vm_type, state, IFNULL(host_id, 0), IFNULL(tried, 0), step, "
	    "time_to_try, updated, IFNULL(reason, '') FROM op_ha_work WHERE "
	    "mgmt_server_id IS NULL AND taken IS NULL AND time_to_try <= %llu "
	    "AND step NOT IN ('Done', 'Cancelled') LIMIT 1 FOR UPDATE",
	    (unsigned long long)now_ticks());
	if (res == NULL) {
		db_rollback(db);
		return -1;
	}
	memset(w, 0, sizeof(*w));
	if ((row = mysql_fetch_row(res)) != NULL) {
		w->id = row_u64(row, 0, 0);
		w->instance_id = row_u64(row, 1, 0);
		cpy(w->type, sizeof(w->type), row[2]);
		cpy(w->vm_type, sizeof(w->vm_type), row[3]);
		cpy(w->state, sizeof(w->state), row[4]);
		w->host_id = row_u64(row, 5, 0);
		w->tried = (unsigned)row_u64(row, 6, 0);
		cpy(w->step, sizeof(w->step), row[7]);
		w->time_to_try = row_u64(row, 8, 0);
		w->updated = row_u64(row, 9, 0);
		cpy(w->reason, sizeof(w->reason), row[10]);
		got = 1;
	}
	mysql_free_result(res);
	if (got && haw_exec(db, "take", NULL, err, "UPDATE op_ha_work SET "
	    "mgmt_server_id = %llu, taken = UTC_TIMESTAMP() WHERE id = %llu",
	    (unsigned long long)opt.msid, (unsigned long long)w->id) == -1) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, err) == -1)
		return -1;
	return got;
}

/* _haDao.update(work): the fields processWork may have changed */
static int
work_write(struct db *db, const struct work *w, char *err)
{
	struct sbuf	sb;
	int		r;

	sbuf_init(&sb);
	sbuf_add(&sb, "UPDATE op_ha_work SET step = ");
	db_quote(db, &sb, w->done ? "Done" : w->step);
	sbuf_add(&sb, ", state = ");
	db_quote(db, &sb, w->state);
	sbuf_add(&sb, ", updated = %llu, tried = %u, time_to_try = %llu",
	    (unsigned long long)w->updated, w->tried,
	    (unsigned long long)w->time_to_try);
	if (!w->claimed)
		sbuf_add(&sb, ", mgmt_server_id = NULL, taken = NULL");
	sbuf_add(&sb, " WHERE id = %llu", (unsigned long long)w->id);
	r = db_exec(db, "update work", sb.s, NULL, err);
	sbuf_free(&sb);
	return r;
}

/* processWork; -1 when the DB failed (the caller reconnects) */
static int
process_work(struct db *db, struct work *w)
{
	struct outcome	 o;
	struct vm	 vm0;
	char		 err[ERR_LEN], step_was[32];
	int		 r, have_vm, dberr = 0;

	cpy(step_was, sizeof(step_was), w->step);
	memset(&o, 0, sizeof(o));
	if ((have_vm = vm_read(db, w->instance_id, &vm0, err)) == -1)
		goto error;
	have_vm = have_vm == 0;
	if (have_vm && (r = zone_ha_enabled(db, err)) != 1) {
		if (r == -1)
			goto error;
		o.exit = EX_ZONE_HA_OFF;
		o.next = now_ticks() + retry_ticks(opt.restart_retry_ms);
	} else if (strcmp(w->type, "HA") != 0) {
		set_err(err, "work type %s is not emulated", w->type);
		o.exit = EX_UNSUPPORTED;
		goto exception;
	} else if ((r = restart(db, w, &o, err)) != 0) {
		if (r == -1)
			goto error;
		o.exit = EX_ERROR;
		goto exception;
	}
	goto finish;
error:
	dberr = 1;
	o.exit = EX_ERROR;
exception:
	log_warn("ha.error", "work=%llu vm=%llu error=\"%s\"",
	    (unsigned long long)w->id, (unsigned long long)w->instance_id,
	    err);
	o.next = now_ticks() + retry_ticks(opt.restart_retry_ms);
	if (have_vm == 1) {
		w->updated = vm0.update_count;
		cpy(w->state, sizeof(w->state), vm0.state);
	}
finish:
	w->claimed = o.next == 0;
	if (o.next == 0) {
		w->done = 1;
		log_info("ha.done", "work=%llu vm=%llu exit=%s step=%s "
		    "tried=%u", (unsigned long long)w->id,
		    (unsigned long long)w->instance_id, ha_exit_name(o.exit),
		    step_was, w->tried);
	} else {
		/* rescheduleWork, then the finally clause */
		w->time_to_try = o.next;
		w->tried++;
		if (w->tried >= opt.max_retries) {
			w->done = 1;
			log_info("ha.done", "work=%llu vm=%llu exit=giving_up "
			    "last_exit=%s tried=%u max=%u",
			    (unsigned long long)w->id,
			    (unsigned long long)w->instance_id,
			    ha_exit_name(o.exit), w->tried, opt.max_retries);
		} else
			log_info("ha.rescheduled", "work=%llu vm=%llu exit=%s "
			    "tried=%u time_to_try=%llu",
			    (unsigned long long)w->id,
			    (unsigned long long)w->instance_id,
			    ha_exit_name(o.exit), w->tried,
			    (unsigned long long)w->time_to_try);
	}
	if (dberr)
		return -1;
	if (work_write(db, w, err) == -1) {
		/* as in CloudStack the row stays claimed by this live MS */
		log_err("ha.write_failed", "work=%llu error=\"%s\"",
		    (unsigned long long)w->id, err);
		return -1;
	}
	return 0;
}

void *
worker_main(void *arg)
{
	struct work	 w;
	struct db	 db;
	unsigned	 idx = (unsigned)(uintptr_t)arg;
	char		 err[ERR_LEN];
	int		 up = 0, r;

	mysql_thread_init();
	memset(&db, 0, sizeof(db));
	/* WorkerThread.run waits time.to.sleep before its first take */
	if (haw_wait(opt.time_to_sleep_ms))
		goto out;
	while (!atomic_load(&stopping)) {
		if (!up) {
			if (haw_connect(&db, err) == -1) {
				log_warn("worker.db", "worker=%u error=\"%s\"",
				    idx, err);
				haw_wait(RECONNECT_MS);
				continue;
			}
			up = 1;
		}
		if ((r = take(&db, &w, err)) == -1) {
			log_warn("worker.db", "worker=%u error=\"%s\"", idx,
			    err);
			db_close(&db);
			up = 0;
			continue;
		}
		if (r == 0) {
			haw_wait(opt.time_to_sleep_ms);
			continue;
		}
		log_info("ha.taken", "work=%llu vm=%llu worker=%u step=%s "
		    "reason=%s tried=%u host=%llu", (unsigned long long)w.id,
		    (unsigned long long)w.instance_id, idx, w.step,
		    w.reason[0] ? w.reason : "NULL", w.tried,
		    (unsigned long long)w.host_id);
		/* chaos knob: a slow MS holding its claim (not CloudStack's) */
		if (opt.work_delay_ms > 0 && haw_wait(opt.work_delay_ms))
			break;
		if (process_work(&db, &w) == -1) {
			db_close(&db);
			up = 0;
		}
	}
out:
	if (up)
		db_close(&db);
	mysql_thread_end();
	return NULL;
}
