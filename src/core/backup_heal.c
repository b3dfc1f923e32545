/*
 * backup_heal.c -- decide what to do with a VM left in a native backup
 * provider's BackingUp / BackupError state (pure: the rules and their
 * reasons are in backup_heal.h).
 */
#include "backup_heal.h"

enum bh_verdict
bh_decide(const struct bh_vm *v, uint64_t backing_up_min_age_ms)
{
	if (v->backing_up && v->state_age_ms < backing_up_min_age_ms)
		return BHV_YOUNG;
	if (v->host_id != 0 && !v->host_observed)
		return BHV_UNKNOWN;
	if (v->dom != BHD_NONE)
		return v->dom_job ? BHV_JOB : BHV_HEAL_RUNNING;
	if (v->elsewhere_host != 0)
		return BHV_ELSEWHERE;
	if (!v->all_observed)
		return BHV_UNKNOWN;
	return BHV_HEAL_STOPPED;
}

int
bh_heals(enum bh_verdict v)
{
	return v == BHV_HEAL_RUNNING || v == BHV_HEAL_STOPPED;
}

const char *
bh_verdict_name(enum bh_verdict v)
{
	switch (v) {
	case BHV_HEAL_RUNNING:	return "heal-running";
	case BHV_HEAL_STOPPED:	return "heal-stopped";
	case BHV_YOUNG:		return "young";
	case BHV_UNKNOWN:	return "libvirt-unknown";
	case BHV_JOB:		return "job-active";
	case BHV_ELSEWHERE:	return "elsewhere";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
bh_dom_name(enum bh_dom d)
{
	switch (d) {
	case BHD_NONE:		return "none";
	case BHD_RUNNING:	return "running";
	case BHD_PAUSED:	return "paused";
	}
	/* NOTREACHED */
	return "invalid";
}
