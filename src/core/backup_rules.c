/*
 * backup_rules.c -- the stale-backup rules (pure; the rules and their
 * reasons are in backup_rules.h).
 */
#include "backup_rules.h"

enum sweep_bk_verdict
backup_rule_classify(const struct backup_look *b)
{
	if (b->host_id == 0)
		return SBK_NO_HOST;
	if (!b->host_observed)
		return SBK_HOST_UNOBSERVED;
	if (!b->dom_paused && !b->dom_running)
		return SBK_NO_DOMAIN;
	return b->job == SJ_NONE || b->job == SJ_UNSUPPORTED ?
	    SBK_WOULD_REAP : SBK_JOB_ACTIVE;
}

enum backup_next
backup_rule_next(enum sweep_bk_verdict v, int reap_enabled, int acting)
{
	if (v != SBK_WOULD_REAP)
		return BKN_KEEP;
	if (!reap_enabled)
		return BKN_REAP_OFF;
	return acting ? BKN_REAP : BKN_COUNT_WOULD;
}

enum sweep_bk_verdict
backup_rule_outcome(int failed, int changed)
{
	if (failed)
		return SBK_ERROR;
	return changed ? SBK_REAPED : SBK_RACED;
}
