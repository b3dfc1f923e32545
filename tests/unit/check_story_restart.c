/*
 * check_story_restart.c -- golden stories of restart assurance (S10)
 * (`layer restart` scripts under tests/scenarios/).
 *
 * A story starts where the reconcile left a VM: Stopped, host_id NULL,
 * last_host_id the fenced host, the update_count hawatch wrote, and
 * hawatch's HA row Scheduled.  Then CloudStack acts at explicit times (a
 * management server starts and marks unclaimed rows Investigating, a
 * worker takes or ends a row, the VM starts or fails to start, settings
 * change), and `pass` runs one restart-assurance pass: the facts go
 * through ra_facts() (the adapter's own) to restart_rule_decide(), and
 * the pass applies what the verdict writes, as restart_assurance.c does:
 * heal puts the row back to Scheduled, re-queue inserts a new Scheduled
 * row; an alerting verdict makes the watch "given up" (it ends quietly
 * only when the VM is back or gone), another final verdict ends it.
 * Language: tests/scenarios/README.
 */
#include <check.h>

#include "restart_assurance.h"
#include "story_golden.h"

#define MAXVM	8

struct watch {
	struct ra_vm	v;
	uint64_t	last_queued;
	int		ended;
};

static struct watch	 W[MAXVM];
static size_t		 NW;
static int		 force_ha;
static struct restart_limits LIM;

static struct watch *
watch_of(const char *id)
{
	size_t	i;

	for (i = 0; i < NW; i++)
		if (W[i].v.vm_id == sg_u64(id))
			return &W[i];
	return NULL;
}

static void
watch_add(char **w, int n)
{
	struct watch	*x = &W[NW++];
	struct ra_vm	*v = &x->v;
	const char	*k;

	memset(x, 0, sizeof(*x));
	v->vm_id = sg_u64(w[1]);
	v->host_id = sg_u64(sg_kw(w, n, 2, "host"));
	v->uc_written = sg_u64(sg_kw(w, n, 2, "uc"));
	v->ha_work_id = 1000 + v->vm_id;
	snprintf(v->status, sizeof(v->status), "watching");
	v->vm_present = 1;
	snprintf(v->vm_state, sizeof(v->vm_state), "Stopped");
	v->vm_host_null = 1;
	v->vm_last_host = v->host_id;
	v->vm_uc = v->uc_written;
	v->ha_enabled = (k = sg_kw(w, n, 2, "ha")) ? sg_u64(k) != 0 : 1;
	v->local_storage = sg_flag(w, n, 2, "local");
	v->zone_ha_enabled = (k = sg_kw(w, n, 2, "zone_ha")) ?
	    sg_u64(k) != 0 : 1;
	v->row_present = 1;
	snprintf(v->row_step, sizeof(v->row_step), "Scheduled");
}

/* CloudStack moves: one event on one VM (or, ms_start, on every row). */
static int
event(char **w, int n)
{
	struct watch	*x;
	struct ra_vm	*v;
	size_t		 i;

	if (strcmp(w[0], "ms_start") == 0 && n == 1) {
		/* markPendingWorksAsInvestigating: unclaimed Scheduled rows */
		for (i = 0; i < NW; i++)
			if (W[i].v.row_present && !W[i].v.row_claimed &&
			    strcmp(W[i].v.row_step, "Scheduled") == 0)
				snprintf(W[i].v.row_step,
				    sizeof(W[i].v.row_step), "Investigating");
		return 0;
	}
	if (n < 2 || (x = watch_of(w[1])) == NULL)
		return -1;
	v = &x->v;
	if (strcmp(w[0], "take") == 0 && n == 2)
		v->row_claimed = 1;
	else if (strcmp(w[0], "release") == 0 && n == 2)
		v->row_claimed = 0;
	else if (strcmp(w[0], "step") == 0 && n == 3)
		snprintf(v->row_step, sizeof(v->row_step), "%s", w[2]);
	else if (strcmp(w[0], "purge") == 0 && n == 2) {
		v->row_present = 0;
		v->row_step[0] = '\0';
	} else if (strcmp(w[0], "start") == 0 && n == 4 &&
	    strcmp(w[2], "on") == 0) {
		snprintf(v->vm_state, sizeof(v->vm_state), "Running");
		v->vm_host_null = 0;
		v->vm_uc += 2;		/* Stopped -> Starting -> Running */
		v->vm_last_host = sg_u64(w[3]);
	} else if (strcmp(w[0], "start_failed") == 0 && n == 2)
		v->vm_uc += 2;		/* Stopped -> Starting -> Stopped */
	else if (strcmp(w[0], "state") == 0 && n == 3)
		snprintf(v->vm_state, sizeof(v->vm_state), "%s", w[2]);
	else if (strcmp(w[0], "host") == 0 && n == 3) {
		v->vm_host_null = strcmp(w[2], "null") == 0;
		v->vm_last_host = v->vm_host_null ? v->vm_last_host :
		    sg_u64(w[2]);
	} else if (strcmp(w[0], "last_host") == 0 && n == 3)
		v->vm_last_host = sg_u64(w[2]);
	else if (strcmp(w[0], "ha") == 0 && n == 3)
		v->ha_enabled = sg_u64(w[2]) != 0;
	else if (strcmp(w[0], "zone_ha") == 0 && n == 3)
		v->zone_ha_enabled = sg_u64(w[2]) != 0;
	else if (strcmp(w[0], "pending_ha") == 0 && n == 3)
		v->other_pending = (unsigned)sg_u64(w[2]);
	else if (strcmp(w[0], "work_job") == 0 && n == 3)
		v->work_job = sg_u64(w[2]) != 0;
	else if (strcmp(w[0], "remove") == 0 && n == 2)
		v->vm_removed = 1;
	else if (strcmp(w[0], "gone") == 0 && n == 2)
		v->vm_present = 0;
	else
		return -1;
	return 0;
}

static void
pass_one(struct watch *x, uint64_t now, char *out, size_t *outn)
{
	struct restart_facts	 f;
	struct ra_vm		*v = &x->v;
	enum restart_verdict	 rv;
	int			 given_up = strcmp(v->status, "given_up") == 0;

	v->since_queued_ms = now - x->last_queued;
	ra_facts(v, force_ha, &f);
	rv = restart_rule_decide(&f, &LIM);
	if (given_up && (!restart_verdict_final(rv) ||
	    restart_verdict_alerts(rv)))
		return;		/* told already; ends when back or gone */
	sg_out(out, outn, "%llu vm %llu: %s", (unsigned long long)now,
	    (unsigned long long)v->vm_id, restart_verdict_name(rv));
	if (rv == RV_HEAL) {
		snprintf(v->row_step, sizeof(v->row_step), "Scheduled");
		v->heals++;
		sg_out(out, outn, ": row #%llu back to Scheduled",
		    (unsigned long long)v->ha_work_id);
	} else if (rv == RV_REQUEUE) {
		v->ha_work_id += 100;
		v->row_present = 1;
		v->row_claimed = 0;
		snprintf(v->row_step, sizeof(v->row_step), "Scheduled");
		v->requeues++;
		x->last_queued = now;
		sg_out(out, outn, ": new row #%llu (re-queue %u)",
		    (unsigned long long)v->ha_work_id, v->requeues);
	}
	if (restart_verdict_alerts(rv)) {
		snprintf(v->status, sizeof(v->status), "given_up");
		sg_out(out, outn, "; ALERT, watch given up");
	} else if (restart_verdict_final(rv)) {
		x->ended = 1;
		sg_out(out, outn, "; watch ends (%s)",
		    restart_verdict_status(rv));
	}
	sg_out(out, outn, "\n");
}

static int
run_story(const char *script, char *out, size_t *outn, char *err,
    size_t errsz)
{
	static char		buf[64 * 1024];
	static struct sg_line	L[256];
	size_t			nl, i, j;
	uint64_t		end = 0;
	char			**w;
	int			n;

	NW = 0;
	force_ha = 0;
	LIM.requeue_max = 3;
	LIM.requeue_after_ms = 60000;
	if (sg_parse(script, buf, sizeof(buf), L, 256, &nl, &end, err,
	    errsz) == -1)
		return -1;
	for (i = 0; i < nl; i++) {
		w = L[i].w;
		n = L[i].n;
		if (strcmp(w[0], "limits") == 0 && n == 5) {
			LIM.requeue_max = (unsigned)sg_u64(sg_kw(w, n, 1,
			    "requeue_max"));
			LIM.requeue_after_ms = sg_u64(sg_kw(w, n, 1,
			    "requeue_after"));
		} else if (strcmp(w[0], "force_ha") == 0 && n == 2)
			force_ha = sg_u64(w[1]) != 0;
		else if (strcmp(w[0], "vm") == 0 && n >= 6 && NW < MAXVM)
			watch_add(w, n);
		else if (strcmp(w[0], "pass") == 0 && n == 1) {
			for (j = 0; j < NW; j++)
				if (!W[j].ended)
					pass_one(&W[j], L[i].t, out, outn);
		} else if (event(w, n) == -1) {
			sg_fmt(err, errsz, "%s:%d: bad line", script,
			    L[i].lineno);
			return -1;
		}
	}
	return 0;
}

int
main(void)
{
	return sg_main("restart", run_story);
}
