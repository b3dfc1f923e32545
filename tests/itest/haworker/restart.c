/*
 * restart.c -- the HA-worker fixture's restart(work) (3.4): every exit in
 * CloudStack's order, the Investigating step (investigate, fence, stop)
 * and the start.  Returns an outcome (Done or the next try) to worker.c.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

#define DONE(e)		do { o->exit = (e); o->next = 0; return 0; } while (0)
#define AGAIN(e, ms)	do { o->exit = (e); o->next = now_ticks() + \
			    retry_ticks(ms); return 0; } while (0)

static int
is_cancellable(const char *reason)
{
	return strcmp(reason, "HostMaintenance") == 0 ||
	    strcmp(reason, "HostDown") == 0 ||
	    strcmp(reason, "HostDegraded") == 0;
}

/* the Investigating step; 0 go on to the start, 2 an exit was set */
static int
restart_investigate(struct db *db, struct work *w, struct vm *v,
    const struct host *h, struct outcome *o, char *err)
{
	struct idset	live;
	enum vm_alive	alive;
	int		fenced = 0, r;

	if (!h->removed) {
		if (v->host_id == 0 || v->host_id != w->host_id) {
			o->exit = EX_VM_MOVED;
			o->next = 0;
			return 2;
		}
		idset_load(&live);
		alive = vm_alive(h, &live);
		free(live.v);
		log_info("ha.investigated", "work=%llu vm=%llu host=%llu "
		    "alive=%s investigator=%s", (unsigned long long)w->id,
		    (unsigned long long)v->id, (unsigned long long)h->id,
		    vm_alive_name(alive), hostha_eligible(h) ? "hostha" : "db");
		if (alive == VA_TRUE) {
			o->exit = strcmp(h->status, "Up") == 0 ?
			    EX_ALIVE_HOST_UP : EX_ALIVE_HOST_NOT_UP;
			o->next = o->exit == EX_ALIVE_HOST_UP ? 0 :
			    now_ticks() + retry_ticks(opt.investigate_retry_ms);
			return 2;
		}
		if (alive == VA_FALSE)
			fenced = 1;
		else {
			if (fence_off(db, h, &fenced, err) == -1)
				return -1;
			log_info("ha.fence", "work=%llu vm=%llu host=%llu "
			    "fencer=KVMFencer result=%s",
			    (unsigned long long)w->id,
			    (unsigned long long)v->id,
			    (unsigned long long)h->id,
			    fenced ? "true" : "false");
		}
		if (!fenced) {
			o->exit = EX_FENCE_FAILED;
			o->next = now_ticks() +
			    retry_ticks(opt.restart_retry_ms);
			return 2;
		}
	}
	if ((r = advance_stop(db, v, err)) != 0)
		return r == -1 ? -1 : 1;
	log_info("ha.stopped", "work=%llu vm=%llu host=%llu",
	    (unsigned long long)w->id, (unsigned long long)v->id,
	    (unsigned long long)h->id);
	cpy(w->step, sizeof(w->step), "Scheduled");
	if (haw_exec(db, "work step Scheduled", NULL, err, "UPDATE op_ha_work "
	    "SET step = 'Scheduled' WHERE id = %llu",
	    (unsigned long long)w->id) == -1)
		return -1;
	return 0;
}

/*
 * checkAndCancelWorkIfNeeded (PR #10167): an Investigating row for a host
 * that investigates Up is Cancelled.  1 cancelled, 0 go on, -1 DB error.
 */
static int
restart_cancel_check(struct db *db, struct work *w, char *err)
{
	enum agent_answer	a;

	if (strcmp(w->step, "Investigating") != 0 ||
	    !is_cancellable(w->reason))
		return 0;
	if (investigate(db, w->host_id, &a, err) == -1)
		return -1;
	log_info("ha.host_investigated", "work=%llu host=%llu answer=%s",
	    (unsigned long long)w->id, (unsigned long long)w->host_id,
	    agent_answer_name(a));
	if (a != AA_UP)
		return 0;
	cpy(w->step, sizeof(w->step), "Cancelled");
	return 1;
}

/*
 * 0 with o filled, 1 an "exception" (conflict, unsupported state) with
 * err, -1 a DB error with err.
 */
int
restart(struct db *db, struct work *w, struct outcome *o, char *err)
{
	struct host	h;
	struct vm	v;
	uint64_t	n;
	int		r;

	if (haw_u64(db, "newer HA work", &n, err, "SELECT COUNT(*) FROM "
	    "op_ha_work WHERE instance_id = %llu AND type = 'HA' AND id > %llu",
	    (unsigned long long)w->instance_id,
	    (unsigned long long)w->id) == -1)
		return -1;
	if (n > 0)
		DONE(EX_NEWER_ROW);
	if (haw_u64(db, "running HA work", &n, err, "SELECT COUNT(*) FROM "
	    "op_ha_work WHERE instance_id = %llu AND type = 'HA' AND taken "
	    "IS NOT NULL AND step NOT IN ('Done', 'Error', 'Cancelled') AND "
	    "id <> %llu", (unsigned long long)w->instance_id,
	    (unsigned long long)w->id) == -1)
		return -1;
	if (n > 0)
		AGAIN(EX_OTHER_RUNNING, opt.investigate_retry_ms);
	if ((r = vm_read(db, w->instance_id, &v, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_VM_NOT_FOUND);
	if (strcmp(v.state, "Error") == 0)
		DONE(EX_VM_ERROR);
	if ((r = restart_cancel_check(db, w, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_CANCELLED);
	if (strcmp(v.state, w->state) != 0 || v.update_count != w->updated)
		DONE(EX_VM_CHANGED);
	if (v.host_id != 0 && v.host_id != w->host_id)
		DONE(EX_HOST_CHANGED);
	if ((r = host_read(db, w->host_id, &h, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_HOST_GONE);
	if (strcmp(w->step, "Investigating") == 0) {
		r = restart_investigate(db, w, &v, &h, o, err);
		if (r != 0)
			return r == 2 ? 0 : r;
	}
	if ((r = vm_read(db, v.id, &v, err)) == -1)
		return -1;
	if (r == 1)
		DONE(EX_VM_NOT_FOUND);
	if (!opt.force_ha && !v.ha_enabled)
		DONE(EX_NOT_HA);
	if (h.removed || strcmp(h.status, "Up") != 0) {
		/* canVmRestartOnAnotherServer: no volume on local storage */
		if (haw_u64(db, "local volumes", &n, err, "SELECT COUNT(*) "
		    "FROM volumes vo JOIN storage_pool p ON p.id = vo.pool_id "
		    "WHERE vo.instance_id = %llu AND vo.removed IS NULL AND "
		    "p.scope = 'HOST'", (unsigned long long)v.id) == -1)
			return -1;
		if (n > 0)
			DONE(EX_LOCAL_STORAGE);
	}
	if (strcmp(v.state, "Running") == 0)
		DONE(EX_ALREADY_RUNNING);
	if ((r = start_vm(db, &v, &h, err)) != 0)
		return r;
	if (strcmp(v.state, "Running") == 0)
		DONE(EX_STARTED);
	/* not Running: re-capture the VM into the work and retry later */
	w->updated = v.update_count;
	cpy(w->state, sizeof(w->state), v.state);
	AGAIN(EX_START_FAILED, opt.restart_retry_ms);
}
