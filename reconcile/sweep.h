/*
 * sweep.h -- the paused-domain sweeper's runner: one sweep joins libvirt's
 * view of the alive hosts with CloudStack's tables, decides with the pure
 * core (src/core/sweep_core.h), executes, audits, and checks for stale backup
 * rows.  The daemon keeps one struct sweeper across ticks; `hawatch sweep`
 * makes one for a single run.  Doc: docs/sweeper.md.
 *
 * One run (sweeper_run):
 *   1. observe every alive host's libvirt concurrently, one deadline
 *      (reconcile/virt.h); URIs from sweep.uri_template with the host's ip;
 *   2. CloudStack facts for every paused domain in one query
 *      (sweep_facts.c): vm_instance by instance_name (or uuid), a
 *      vm_snapshots row in progress, the latest backups row;
 *   3. sweep_step(); execute ABORT_JOB / RESUME (one thread per host, each
 *      call bounded by call_timeout [+ resume_settle]) only when acting
 *      (!dry_run && is_leader); GIVE_UP logs the alert `sweep.give_up`;
 *      every outcome goes back through sweep_report();
 *   4. audit (S9, sweep_audit.c): each executed abort / resume and each give-up is one
 *      row in hawatch's audit table with its evidence JSON;
 *   5. stale backups (sweep_backups.c): `backups` rows BackingUp for longer than
 *      sweep.backup_timeout; reaped (status -> Error, audited, never
 *      deleted) only when the VM's host was observed, the domain is paused
 *      or running there with no job, reap_stale_backups is on, and we are
 *      acting;
 *   6. backup states (--backup-states / sweep.heal_backup_states): VMs in
 *      BackupError / BackingUp back to what libvirt shows
 *      (vm_backup_states.c).
 *
 * Safety: with no database (db == NULL) every domain counts as "CloudStack
 * does not say Running here" and is skipped; nothing is written.  When the
 * audit cannot be prepared (schema, leadership), nothing is executed.  A
 * run that does not execute (dry run, standby) leaves no in-flight mark in
 * the core's memory, so it never counts as a failed attempt.
 *
 * Hosts: pass every inventory host each run, alive or not.  A host missing
 * from the list is forgotten: its connection is closed and its domains'
 * memory dropped.  A dead or suspect host (alive = 0) is never swept; its
 * memory is kept.
 *
 * Threads: a struct sweeper is used by one thread at a time, with that
 * thread's own struct db.  Returns: 0 / -1 with err (ERR_LEN) filled; a
 * run returns -1 only for bad arguments: per-host and database failures
 * are in the report.
 */
#ifndef HAWATCH_SWEEP_H
#define HAWATCH_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "backup_heal.h"
#include "config.h"
#include "db.h"
#include "hw_schema.h"
#include "backup_rules.h"
#include "sweep_core.h"
#include "util.h"
#include "virt.h"

#define SWEEP_IP_LEN		64
#define SWEEP_CS_UUID_LEN	41	/* vm_instance.uuid varchar(40) */
#define SWEEP_CS_STATE_LEN	32

/* One host of the inventory, as the caller sees it. */
struct sweep_host_in {
	uint32_t	host_id;
	char		ip[SWEEP_IP_LEN];	/* private_ip_address: {ip} */
	int		alive;		/* hawatch's verdict; 0: never swept */
};

struct sweep_run_opts {
	uint64_t	 now_ms;	/* monotonic: the caller's tick time */
	int		 dry_run;	/* decide and report only */
	int		 is_leader;	/* may execute and write (CLI: 1) */
	int		 grace_met;	/* CLI: operator confirms the grace */
	const char	*actor;		/* audit: instance or operator */
	const char	*command;	/* audit: "run", "sweep" */
	const char	*leader_lock;	/* non-NULL: every write transaction
					   re-checks this lock (S4) */
	uint64_t	 leader_gen;	/* non-zero: instead of the lock,
					   hawatch's leader row must carry
					   this generation (the daemon's
					   sweeper: its own connection) */
	int		 heal_backup_states;	/* CLI --backup-states (the
					   daemon: sweep.heal_backup_states) */
};

/* CloudStack's view of one paused domain (sweep_facts.c). */
struct sweep_vm_facts {
	int		found;		/* a vm_instance row matched */
	uint64_t	vm_id;
	char		uuid[SWEEP_CS_UUID_LEN];
	char		instance_name[SWEEP_NAME_LEN];
	char		state[SWEEP_CS_STATE_LEN];
	uint64_t	host_id;	/* 0: NULL */
	int		removed;
	uint64_t	snapshot_id;	/* a vm_snapshots row in progress, 0 none */
	char		snapshot_state[SWEEP_CS_STATE_LEN];
	int		backup_known;	/* latest backups row (any status) */
	uint64_t	backup_id;
	char		backup_status[SWEEP_STATUS_LEN];
	int		backup_age_known;	/* its `date` is set */
	uint64_t	backup_age_s;
	int		backup_removed;
	uint64_t	volsnap_id;	/* a snapshots row in progress, 0 none */
	char		volsnap_state[SWEEP_CS_STATE_LEN];
	uint64_t	volsnap_volume_id;
};

/* What happened to a decided action. */
enum sweep_exec {
	SWX_NONE,		/* SKIP / LEAVE: nothing to execute */
	SWX_WOULD,		/* dry run or not leader: not executed */
	SWX_REFUSED,		/* the audit could not be prepared: not executed */
	SWX_DONE,		/* executed (GIVE_UP: alert raised) */
};

struct sweep_dom_report {
	uint32_t		 host_id;
	struct dom_obs		 obs;	/* libvirt's view */
	int			 db_known;	/* CloudStack facts were read */
	struct sweep_vm_facts	 cs;
	int			 optout_config;
	struct sweep_action	 act;	/* the decision */
	enum sweep_exec		 exec;
	struct virt_act		 res;	/* exec == SWX_DONE, ABORT/RESUME */
	int			 result;	/* enum sweep_result, -1: none */
	uint64_t		 request_audit_id;	/* the row written
						   before acting (S9); 0 none */
	uint64_t		 audit_id;	/* the outcome's row; 0: none */
	char			 note[ERR_LEN];	/* audit error, refusal */
};

struct sweep_host_report {
	uint32_t	host_id;
	char		ip[SWEEP_IP_LEN];
	char		uri[VIRT_URI_LEN];
	int		alive;
	int		observed;	/* libvirt answered this run */
	enum virt_rc	rc;		/* alive: VIRT_OK or the failure */
	char		err[ERR_LEN];
	uint64_t	elapsed_ms;
	unsigned	nrunning, nother;
	size_t		npaused;
};

struct sweep_backup_report {
	uint64_t		id;
	char			uuid[SWEEP_CS_UUID_LEN];
	uint64_t		vm_id;
	char			instance_name[SWEEP_NAME_LEN];
	char			vm_uuid[SWEEP_CS_UUID_LEN];
	char			vm_state[SWEEP_CS_STATE_LEN];
	uint64_t		host_id;	/* vm_instance.host_id, 0: NULL */
	char			date[32];	/* UTC */
	uint64_t		age_s;
	enum sweep_bk_verdict	verdict;
	uint64_t		audit_id;
	char			note[ERR_LEN];
};

/* A VM in a native backup provider's state (vm_backup_states.c). */
enum sweep_vs_exec {
	SVX_NONE,		/* not healed: see the verdict */
	SVX_WOULD,		/* would heal: dry run or not the leader */
	SVX_HEALED,		/* written and audited */
	SVX_RACED,		/* the row changed meanwhile: untouched */
	SVX_DEFERRED,		/* over the per-run bound: next run */
	SVX_ERROR,		/* the write failed: see note */
};

struct sweep_vmstate_report {
	uint64_t		vm_id;
	char			uuid[SWEEP_CS_UUID_LEN];
	char			instance_name[SWEEP_NAME_LEN];
	char			state[SWEEP_CS_STATE_LEN];	/* BackupError.. */
	uint64_t		host_id;	/* 0: NULL */
	uint64_t		update_count;
	uint64_t		state_age_s;
	struct bh_vm		view;		/* libvirt's view this run */
	enum bh_verdict		verdict;
	enum sweep_vs_exec	exec;
	char			after[SWEEP_CS_STATE_LEN];	/* Running, Stopped */
	uint64_t		audit_id;
	char			note[ERR_LEN];
};

struct sweep_run_report {
	int				 dry_run;
	int				 acting;	/* !dry_run && is_leader */
	struct sweep_host_report	*hosts;		/* sorted by host id */
	size_t				 nhosts;
	struct sweep_dom_report		*doms;		/* host id, then uuid */
	size_t				 ndoms;
	struct sweep_backup_report	*backups;	/* by backup id */
	size_t				 nbackups;
	struct dom_obs			*running;	/* running domains, job read */
	uint32_t			*running_host;	/* host of running[i] */
	size_t				 nrunning;
	int				 heal_ran;	/* backup states step ran */
	struct sweep_vmstate_report	*vmstates;	/* by vm id */
	size_t				 nvmstates;
	int				 vmstates_ok;
	char				 vmstates_err[ERR_LEN];
	unsigned			 n_healed;	/* or would be */
	int				 facts_ok;	/* CloudStack facts read */
	char				 facts_err[ERR_LEN];
	int				 backups_ok;
	char				 backups_err[ERR_LEN];
	char				 act_err[ERR_LEN];	/* why nothing ran */
	uint64_t			 backup_timeout_ms;
	unsigned			 n_actions;	/* ABORT+RESUME+GIVE_UP */
	unsigned			 n_executed;
	unsigned			 n_failed;	/* executed, not achieved */
	unsigned			 n_host_errors;	/* alive, unobserved */
	unsigned			 n_stale;
	unsigned			 n_reaped;	/* or would be (dry run) */
	unsigned			 n_audit_errors;
	uint64_t			 elapsed_ms;
};

struct sweeper;

/* sweep.c: the runner */
struct sweeper	*sweeper_new(const struct sweep_config *, char *err);
int		 sweeper_set_config(struct sweeper *,
		    const struct sweep_config *, char *err);
int		 sweeper_run(struct sweeper *, struct db *db_or_null,
		    const struct sweep_host_in *hosts, size_t nhosts,
		    const struct sweep_run_opts *, struct sweep_run_report *out,
		    char *err);
void		 sweeper_forget_host(struct sweeper *, uint32_t host_id);
void		 sweeper_free(struct sweeper *);
void		 sweep_run_report_free(struct sweep_run_report *);
int		 sweep_policy_from_config(const struct sweep_config *,
		    struct sweep_policy *, char *err);
int		 sweep_optout_match(const struct sweep_config *,
		    const char *name, const char *uuid);
const char	*sweep_exec_name(enum sweep_exec);	/* names.c */

/* sweep_facts.c: CloudStack's facts */

/* CloudStack's KVM routing hosts (not removed), for the CLI. */
struct sweep_cs_host {
	uint32_t	id;
	char		name[128];
	char		ip[SWEEP_IP_LEN];
	char		status[SWEEP_CS_STATE_LEN];
	char		resource_state[SWEEP_CS_STATE_LEN];
};

int	sweep_facts_hosts(struct db *, struct sweep_cs_host **out, size_t *n,
	    char *err);
/* out[i] for (names[i], uuids[i]); one query for all n. */
int	sweep_facts_vms(struct db *, const char *const *names,
	    const char *const *uuids, size_t n, struct sweep_vm_facts *out,
	    char *err);

/* sweep_audit.c: the audit (S9) */

/* hawatch's schema ready and (with leader_lock) leadership held. */
int	sweep_facts_prepare_writes(struct db *, const struct sweep_run_opts *,
	    char *err);
/* One audit row in its own transaction; *id its audit.id. */
int	sweep_facts_audit(struct db *, const struct sweep_run_opts *,
	    const struct audit_row *, uint64_t *id, char *err);
/* The same inside the caller's open transaction (leadership first). */
int	sweep_audit_in_txn(struct db *, const struct sweep_run_opts *,
	    const struct audit_row *, uint64_t *id, char *err);
/*
 * S9 for an action outside the database: the request row, written and
 * committed BEFORE a RESUME / ABORT_JOB is executed
 * (vm.resume_requested, vm.job_abort_requested); 0, or -1 with err (the
 * action must then not be taken).
 */
int	sweep_facts_audit_request(struct db *, const struct sweep_run_opts *,
	    struct sweep_run_report *, struct sweep_dom_report *, char *err);
/* The outcome row of an executed action, after it (a domain that
 * vanished, was no longer paused or had no job: *_not_needed); failures
 * go to d->note. */
void	sweep_facts_audit_dom(struct db *db_or_null,
	    const struct sweep_run_opts *, struct sweep_run_report *,
	    struct sweep_dom_report *);

/* sweep_backups.c: stale backup rows */

/* BackingUp rows older than older_than_ms; verdict/audit left zero. */
int	sweep_facts_stale_backups(struct db *, uint64_t older_than_ms,
	    struct sweep_backup_report **out, size_t *n, char *err);
/* status BackingUp -> Error plus the audit row, one transaction;
 * *changed 0 when the row was no longer BackingUp (nothing written). */
int	sweep_facts_reap_backup(struct db *, const struct sweep_run_opts *,
	    uint64_t backup_id, const struct audit_row *, int *changed,
	    uint64_t *audit_id, char *err);
/*
 * Step 5 of a run: read the stale BackingUp rows into r->backups and give
 * each its verdict against the run's observations (the core's rules,
 * src/core/backup_rules.h); reap when reapable, enabled and r->acting.
 * writes_ready: the run already prepared writes.
 */
void	sweep_facts_backups(struct db *db_or_null, const struct sweep_config *,
	    const struct sweep_run_opts *, int writes_ready,
	    struct sweep_run_report *r);

/* vm_backup_states.c: step 6, VMs in BackupError / BackingUp */
void	sweep_backup_states(struct db *db_or_null, const struct sweep_config *,
	    const struct sweep_run_opts *, int writes_ready,
	    struct sweep_run_report *r);
const char *sweep_vs_exec_name(enum sweep_vs_exec);

/* backup_states.c: running domains and what failed backups leave */
void	sweep_running_take(struct sweep_run_report *, struct virt_host_obs *);
const struct dom_obs *sweep_running_find(const struct sweep_run_report *,
	    uint64_t host_id, const char *name, const char *uuid);

#endif
