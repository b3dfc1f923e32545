/*
 * act_restarts.c -- restart assurance in the daemon (S10): every tick the
 * leader runs one pass of reconcile/restart_assurance.c (heal, re-queue,
 * give up, resolve), inside its own leader-checked transaction, and keeps
 * the pass's result for the status file.  A standby or a daemon without
 * its database does nothing and shows nothing.
 *
 * Each write is logged once, when it happens; a watch that ends "given
 * up" raises an alert (log alert.raise kind=restart_given_up), and stays
 * listed in the status until the VM runs again or is removed.
 */
#include <string.h>

#include "act_restarts.h"
#include "clock.h"
#include "daemon.h"
#include "log.h"

static void
log_written(const struct ra_vm *v)
{
	switch (v->verdict) {
	case RV_HEAL:
		log_warn("restart.healed", "vm=%llu instance=%s host=%llu "
		    "work=%llu reason=\"%s\"", (unsigned long long)v->vm_id,
		    v->instance_name, (unsigned long long)v->host_id,
		    (unsigned long long)v->ha_work_id, v->reason);
		break;
	case RV_REQUEUE:
		log_warn("restart.requeued", "vm=%llu instance=%s host=%llu "
		    "work=%llu requeue=%u reason=\"%s\"",
		    (unsigned long long)v->vm_id, v->instance_name,
		    (unsigned long long)v->host_id,
		    (unsigned long long)v->new_ha_work_id, v->requeues + 1,
		    v->reason);
		break;
	default:
		if (restart_verdict_alerts(v->verdict))
			log_warn("alert.raise", "kind=restart_given_up vm=%llu "
			    "instance=%s host=%llu why=%s reason=\"%s\"",
			    (unsigned long long)v->vm_id, v->instance_name,
			    (unsigned long long)v->host_id,
			    restart_verdict_name(v->verdict), v->reason);
		else
			log_info("restart.resolved", "vm=%llu instance=%s "
			    "why=%s", (unsigned long long)v->vm_id,
			    v->instance_name, restart_verdict_name(v->verdict));
		break;
	}
}

void
act_restarts(struct daemon *d)
{
	struct ra_result	r;
	struct ra_opts		o;
	char			err[ERR_LEN];
	size_t			i;

	if (!d->db_up || !d->is_leader) {
		ra_result_free(&d->restarts);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.requeue_max = d->cfg.reconcile.requeue_max;
	o.requeue_after_ms = d->cfg.reconcile.requeue_after_ms;
	o.actor = d->actor;
	o.command = "run";
	o.leader_lock = d->leader.lock;
	o.now_wall_ms = clock_wall_ms();
	if (restart_assure(&d->db, &o, &r, err) == -1) {
		log_err("restart.error", "error=\"%s\"", err);
		if (strstr(err, "leadership lost") != NULL)
			leader_lost(&d->leader, err);
		return;		/* keep the last pass for the status */
	}
	for (i = 0; i < r.n; i++)
		if (r.v[i].written)
			log_written(&r.v[i]);
	metrics_count_restarts(&d->mcount, &r);
	ra_result_free(&d->restarts);
	d->restarts = r;
}
