/*
 * backup_rules.h -- may a stale `backups` row be reaped?  (Pure: no I/O, no
 * clock.)  reconcile/sweep_backups.c reads the rows CloudStack left in
 * BackingUp for longer than sweep.backup_timeout, joins each with the
 * run's libvirt observations, and asks these rules.  Unit tests:
 * tests/unit/check_backup_rules.c.
 *
 * Rules:
 *   classify   a row is reapable (SBK_WOULD_REAP) only when its VM's host
 *              was observed and the domain is paused or running there with
 *              no job (or a driver without a job API); the run reads the
 *              job of every paused and running domain (issue 12).
 *              Otherwise, first match: no host recorded, host not
 *              observed, no such domain there (neither paused nor running:
 *              the VM may run elsewhere, the VM reconcile's business), a
 *              job (or an unreadable one) on it.
 *   next       a reapable row is reaped only with sweep.reap_stale_backups
 *              on and while acting (leader, not a dry run); a dry run or a
 *              standby only counts it.
 *   outcome    the reap's result: failed (SBK_ERROR), nothing changed
 *              because CloudStack moved the row meanwhile (SBK_RACED), or
 *              reaped.
 */
#ifndef HAWATCH_BACKUP_RULES_H
#define HAWATCH_BACKUP_RULES_H

#include <stdint.h>

#include "sweep_core.h"

enum sweep_bk_verdict {
	SBK_REAPED,		/* set to Error, audited */
	SBK_WOULD_REAP,		/* reapable; dry run or not leader */
	SBK_REAP_OFF,		/* reapable; sweep.reap_stale_backups = false */
	SBK_RACED,		/* changed meanwhile: not touched */
	SBK_JOB_ACTIVE,		/* the domain has a job (or it is unreadable) */
	SBK_HOST_UNOBSERVED,	/* the VM's host was not observed */
	SBK_NO_HOST,		/* CloudStack records no host for the VM */
	SBK_ERROR,		/* the reap failed: see note */
	SBK_NO_DOMAIN,		/* neither running nor paused on its host */
};

/* What the classify rule looks at, for one stale row. */
struct backup_look {
	uint64_t	host_id;	/* vm_instance.host_id, 0: NULL */
	int		host_observed;	/* libvirt answered for it this run */
	int		dom_paused;	/* the VM's domain is paused there */
	int		dom_running;	/* ... or running there */
	enum sweep_job	job;		/* that domain's job (either) */
};

enum backup_next {
	BKN_KEEP,		/* not reapable: the verdict stands */
	BKN_REAP_OFF,		/* reapable, reaping is switched off */
	BKN_COUNT_WOULD,	/* reapable; dry run or standby: count only */
	BKN_REAP,		/* reap it now */
};

enum sweep_bk_verdict	backup_rule_classify(const struct backup_look *);
enum backup_next	backup_rule_next(enum sweep_bk_verdict,
			    int reap_enabled, int acting);
enum sweep_bk_verdict	backup_rule_outcome(int failed, int changed);

const char		*sweep_bk_verdict_name(enum sweep_bk_verdict);

#endif
