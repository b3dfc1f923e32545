/*
 * check_story_reconcile.c -- golden stories of the per-host reconcile's
 * decisions (`layer reconcile` scripts under tests/scenarios/).
 *
 * A story describes what the reconcile reads -- the host row, hawatch's
 * fence record, the confirmation given with the call, the VMs and their
 * NICs, and each VM row as the apply phase finds it under its lock -- and
 * `run` walks the reconcile's decisions in the order reconcile_host()
 * takes them: vm_plan_fenced() (the fenced rule), the record-confirm
 * rule, vm_plan_outcomes() (plan, odd rows, CloudStack's work deferred
 * to), the recheck under the lock, and the stop's side effects
 * (stop_effects.h).  vm_plan_* are the adapter's own functions; nothing
 * touches a database.  Language: tests/scenarios/README.
 */
#include <check.h>

#include "story_golden.h"
#include "vm_plan.h"

#define MAXVM	16
#define MAXNIC	32

struct lock_row {
	int			set;
	struct rec_locked_vm	now;
	char			state[32];
};

static struct rec_result	 R;
static struct rec_vm		 V[MAXVM];
static struct rec_nic		 N[MAXNIC];
static struct lock_row		 LK[MAXVM];
static struct fence_record	 FR;
static struct rec_opts		 O;
static uint64_t			 host_uc;

static void
vm_add(char **w, int n)
{
	struct rec_vm	*v = &V[R.nvms++];
	const char	*x;

	memset(v, 0, sizeof(*v));
	v->id = sg_u64(w[1]);
	snprintf(v->state_before, sizeof(v->state_before), "%s", w[2]);
	snprintf(v->type, sizeof(v->type), "%s",
	    (x = sg_kw(w, n, 3, "type")) ? x : "User");
	snprintf(v->hypervisor, sizeof(v->hypervisor), "KVM");
	v->ha_enabled = sg_flag(w, n, 3, "ha");
	v->update_count_before = (x = sg_kw(w, n, 3, "uc")) ? sg_u64(x) : 1;
	v->display_vm = !sg_flag(w, n, 3, "hidden");
	v->host_id = (x = sg_kw(w, n, 3, "host")) ? sg_u64(x) : R.host_id;
	v->host_null = sg_flag(w, n, 3, "host_null");
	v->row.update_count_null = sg_flag(w, n, 3, "uc_null");
	v->row.type_null = sg_flag(w, n, 3, "type_null");
	v->row.hypervisor_null = sg_flag(w, n, 3, "hv_null");
	v->work_job_id = sg_u64(sg_kw(w, n, 3, "work_job"));
	v->cs_ha_id = sg_u64(sg_kw(w, n, 3, "cs_ha"));
	v->cs_ha_msid = v->cs_ha_id ? 345 : 0;
	v->cs_ha_age_ms = sg_u64(sg_kw(w, n, 3, "age"));
}

static int
vm_ix(uint64_t id)
{
	size_t	i;

	for (i = 0; i < R.nvms; i++)
		if (V[i].id == id)
			return (int)i;
	return -1;
}

static int
lock_add(char **w, int n)
{
	int		 i = vm_ix(sg_u64(w[1]));
	struct lock_row	*l;
	const char	*x;

	if (i < 0)
		return -1;
	l = &LK[i];
	l->set = 1;
	l->now.removed = sg_flag(w, n, 2, "removed");
	snprintf(l->state, sizeof(l->state), "%s",
	    (x = sg_kw(w, n, 2, "state")) ? x : V[i].state_before);
	l->now.host_id_null = sg_flag(w, n, 2, "host_null");
	l->now.host_id = (x = sg_kw(w, n, 2, "host")) ? sg_u64(x) : R.host_id;
	l->now.update_count = (x = sg_kw(w, n, 2, "uc")) ? sg_u64(x) :
	    V[i].update_count_before;
	return 0;
}

static void
nic_add(char **w, int n)
{
	struct rec_nic	*c = &N[R.nnics++];
	const char	*x;

	memset(c, 0, sizeof(*c));
	c->id = sg_u64(w[1]);
	c->vm_id = sg_u64(sg_kw(w, n, 2, "vm"));
	snprintf(c->state, sizeof(c->state), "%s",
	    (x = sg_kw(w, n, 2, "state")) ? x : "Reserved");
	snprintf(c->strategy, sizeof(c->strategy), "%s",
	    (x = sg_kw(w, n, 2, "strategy")) ? x : "Start");
	snprintf(c->vm_type, sizeof(c->vm_type), "%s",
	    (x = sg_kw(w, n, 2, "vm_type")) ? x : "User");
	snprintf(c->guru, sizeof(c->guru), "%s",
	    (x = sg_kw(w, n, 2, "guru")) ? x : "GuestNetworkGuru");
	snprintf(c->traffic, sizeof(c->traffic), "%s",
	    (x = sg_kw(w, n, 2, "traffic")) ? x : "Guest");
}

static const char *
recheck_name(enum rec_recheck r)
{
	switch (r) {
	case RRC_UNCHANGED:		return "unchanged";
	case RRC_REMOVED:		return "removed";
	case RRC_STATE_CHANGED:		return "state_changed";
	case RRC_HOST_CHANGED:		return "host_changed";
	case RRC_UPDATE_COUNT_CHANGED:	return "update_count_changed";
	}
	return "invalid";
}

static const char *
nic_action_name(enum stop_nic_action a)
{
	switch (a) {
	case SNA_NONE:			return "none";
	case SNA_RELEASE:		return "release";
	case SNA_LEFT_SYSTEM_VM:	return "left_system_vm";
	case SNA_LEFT_GURU:		return "left_guru";
	}
	return "invalid";
}

/* The stop of one VM the plan changes: what it writes besides the row. */
static void
stop_effects(const struct rec_vm *v, char *out, size_t *outn)
{
	struct stop_nic_facts	 f;
	struct stop_nic_effect	 e;
	const char		*it = stop_rule_it_work_type(v->state_before);
	size_t			 i;

	sg_out(out, outn, "vm %llu: effects usage=%s it_work=%s unmap=%s\n",
	    (unsigned long long)v->id,
	    stop_rule_usage(v->type, v->state_before, v->display_vm) ?
	    "VM.STOP" : "none", it ? it : "none",
	    stop_rule_unmap(v->type) ? "yes" : "no");
	for (i = 0; i < R.nnics; i++) {
		if (N[i].vm_id != v->id)
			continue;
		f.vm_type = v->type;
		f.nic_state = N[i].state;
		f.strategy = N[i].strategy;
		f.nic_vm_type = N[i].vm_type;
		f.guru_name = N[i].guru;
		f.traffic_type = N[i].traffic;
		stop_rule_nic(&f, &e);
		sg_out(out, outn, "nic %llu (vm %llu): %s clear_uris=%d "
		    "nics_count=%d check_for_gc=%d\n",
		    (unsigned long long)N[i].id, (unsigned long long)v->id,
		    nic_action_name(e.action), e.clear_uris,
		    e.nics_count_delta, e.check_for_gc);
	}
}

/* The apply phase for one planned VM: recheck under the lock, then stop. */
static void
apply_vm(struct rec_vm *v, const struct lock_row *l, char *out, size_t *outn)
{
	struct rec_locked_vm	now;
	enum rec_recheck	rc = RRC_UNCHANGED;

	if (!reconcile_outcome_writes(v->outcome))
		return;
	if (l->set) {
		now = l->now;
		now.state = l->state;
		rc = reconcile_rule_recheck(v->state_before, R.host_id,
		    v->update_count_before, &now);
	}
	if (rc != RRC_UNCHANGED) {
		v->outcome = VMO_SKIPPED;
		sg_out(out, outn, "vm %llu: locked: %s, skipped\n",
		    (unsigned long long)v->id, recheck_name(rc));
		return;
	}
	sg_out(out, outn, "vm %llu: %s -> Stopped, %s\n",
	    (unsigned long long)v->id, v->state_before,
	    reconcile_rule_vm_audit_action(v->outcome));
	stop_effects(v, out, outn);
}

static void
run_reconcile(char *out, size_t *outn)
{
	size_t	i;
	int	rec;

	vm_plan_fenced(&R, &FR, &O, host_uc);
	if (R.refused) {
		sg_out(out, outn, "host %llu: refused: %s\n",
		    (unsigned long long)R.host_id, R.refuse_reason);
		return;
	}
	rec = reconcile_rule_record_confirm(O.confirm != FS_NONE,
	    O.confirm == FS_OPERATOR, FR.present);
	sg_out(out, outn, "host %llu: fenced by %s; confirmation %s\n",
	    (unsigned long long)R.host_id, fence_source_name(R.fenced_by),
	    rec ? "recorded" : "not recorded");
	vm_plan_outcomes(&R, &O);
	for (i = 0; i < R.nvms; i++)
		sg_out(out, outn, "vm %llu: plan %s%s%s\n",
		    (unsigned long long)V[i].id, vm_outcome_name(V[i].outcome),
		    V[i].reason[0] ? ": " : "", V[i].reason);
	if (O.dry_run)
		return;
	for (i = 0; i < R.nvms; i++)
		apply_vm(&V[i], &LK[i], out, outn);
}

static int
one_line(char **w, int n)
{
	enum fence_source	s;

	if (strcmp(w[0], "host") == 0 && n == 6) {
		R.host_id = sg_u64(w[1]);
		snprintf(R.host_status, sizeof(R.host_status), "%s", w[3]);
		host_uc = sg_u64(w[5]);
	} else if (strcmp(w[0], "record") == 0 && n == 5) {
		if (fence_source_parse(w[2], &FR.source) == -1)
			return -1;
		FR.present = 1;
		FR.host_update_count = sg_u64(w[4]);
		snprintf(FR.confirmed_at, sizeof(FR.confirmed_at),
		    "2025-01-01 00:00:00");
	} else if (strcmp(w[0], "confirm") == 0 && n == 2) {
		if (fence_source_parse(w[1], &s) == -1)
			return -1;
		O.confirm = s;
	} else if (strcmp(w[0], "dry_run") == 0 && n == 1)
		O.dry_run = 1;
	else if (strcmp(w[0], "grace") == 0 && n == 2)
		O.cloudstack_grace_ms = sg_u64(w[1]);
	else if (strcmp(w[0], "vm") == 0 && n >= 3 && R.nvms < MAXVM)
		vm_add(w, n);
	else if (strcmp(w[0], "lock") == 0 && n >= 2)
		return lock_add(w, n);
	else if (strcmp(w[0], "nic") == 0 && n >= 4 && R.nnics < MAXNIC)
		nic_add(w, n);
	else
		return -1;
	return 0;
}

static int
run_story(const char *script, char *out, size_t *outn, char *err,
    size_t errsz)
{
	static char		buf[64 * 1024];
	static struct sg_line	L[256];
	size_t			nl, i;
	uint64_t		end = 0;

	memset(&R, 0, sizeof(R));
	memset(LK, 0, sizeof(LK));
	memset(&FR, 0, sizeof(FR));
	memset(&O, 0, sizeof(O));
	host_uc = 0;
	R.vms = V;
	R.nics = N;
	snprintf(R.host_status, sizeof(R.host_status), "Down");
	if (sg_parse(script, buf, sizeof(buf), L, 256, &nl, &end, err,
	    errsz) == -1)
		return -1;
	for (i = 0; i < nl; i++) {
		if (strcmp(L[i].w[0], "run") == 0 && L[i].n == 1) {
			run_reconcile(out, outn);
			continue;
		}
		if (one_line(L[i].w, L[i].n) == -1) {
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
	return sg_main("reconcile", run_story);
}
