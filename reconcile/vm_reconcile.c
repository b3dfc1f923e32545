/*
 * vm_reconcile.c -- reconcile_host(): plan (vm_plan.c), decide whether the
 * host counts as fenced and what becomes of each VM (the core's rules,
 * src/core/reconcile_rules.h), then apply in one transaction (vm_apply.c,
 * fence_records.c).  Contract and invariants in vm_reconcile.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fence_records.h"
#include "hw_schema.h"
#include "restart_assurance.h"
#include "vm_apply.h"
#include "vm_effects.h"
#include "vm_plan.h"
#include "vm_reconcile.h"

void
rec_result_free(struct rec_result *r)
{
	free(r->vms);
	r->vms = NULL;
	r->nvms = 0;
	free(r->nics);
	r->nics = NULL;
	r->nnics = 0;
}

/* The transaction: confirmation, locked re-check, writes, audit, commit.
 * -1 with everything rolled back. */
static int
apply(struct db *db, struct rec_result *r, const struct rec_opts *o,
    int record_confirm, uint64_t host_uc, size_t nlive, char *err)
{
	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		goto fail;
	if (record_confirm &&
	    fence_record_write(db, r, o, host_uc, err) == -1)
		goto fail;
	if (nlive > 0) {
		if (vm_apply_lock(db, r, r->host_id, &nlive, err) == -1)
			goto fail;
		if (nlive > 0 && vm_effects_read(db, r, 1, &nlive, err) == -1)
			goto fail;
		if (nlive > 0 &&
		    (vm_apply_stop(db, r, r->host_id, nlive, err) == -1 ||
		    vm_apply_ha_rows(db, r, r->host_id, o->now_wall_ms,
		    err) == -1 || vm_effects_write(db, r, err) == -1 ||
		    restart_track(db, r, err) == -1))
			goto fail;
	}
	if (vm_apply_audit(db, r, o, record_confirm, err) == -1)
		goto fail;
	if (o->leader_lock != NULL && db_check_holds_lock(db, o->leader_lock,
	    err) == -1)
		goto fail;
	return db_commit(db, err);
fail:
	db_rollback(db);
	return -1;
}

static void
count_outcomes(struct rec_result *r)
{
	size_t	i;

	for (i = 0; i < r->nvms; i++) {
		switch (r->vms[i].outcome) {
		case VMO_REQUEUED:
			r->n_requeued++;
			/* FALLTHROUGH */
		case VMO_STOPPED:
			r->n_changed++;
			break;
		case VMO_SKIPPED:
			r->n_skipped++;
			break;
		case VMO_DEFERRED:
			r->n_deferred++;
			break;
		default:
			break;
		}
	}
}

int
reconcile_host(struct db *db, uint64_t host_id, const struct rec_opts *o,
    struct rec_result *r, char *err)
{
	struct fence_record	fr;
	uint64_t		host_uc = 0;
	unsigned long		stmt0 = db->statements;
	uint64_t		t0 = clock_mono_us();
	size_t			nlive;
	int			record_confirm;

	memset(r, 0, sizeof(*r));
	if (vm_plan_host(db, host_id, r, &host_uc, err) == -1)
		return -1;
	if (fence_record_read(db, host_id, &fr, err) == -1)
		return -1;
	vm_plan_fenced(r, &fr, o, host_uc);
	if (r->refused)
		goto done;
	if (vm_plan_vms(db, host_id, r, err) == -1 ||
	    vm_plan_last_ha(db, r, err) == -1 ||
	    vm_plan_cloudstack_work(db, r, o, err) == -1) {
		rec_result_free(r);
		return -1;
	}
	nlive = vm_plan_outcomes(r, o);
	/* a dry run shows the side effects as the unlocked rows stand */
	if (o->dry_run && nlive > 0 &&
	    vm_effects_read(db, r, 0, &nlive, err) == -1) {
		rec_result_free(r);
		return -1;
	}
	/* operator confirmations are recorded even when no VM is left */
	record_confirm = reconcile_rule_record_confirm(o->confirm != FS_NONE,
	    o->confirm == FS_OPERATOR, fr.present);
	if (o->dry_run || (nlive == 0 && !record_confirm))
		goto done;
	if (apply(db, r, o, record_confirm, host_uc, nlive, err) == -1) {
		rec_result_free(r);
		return -1;
	}
done:
	count_outcomes(r);
	r->statements = db->statements - stmt0;
	r->elapsed_us = clock_mono_us() - t0;
	return 0;
}
