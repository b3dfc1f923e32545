/*
 * sweep_core.h -- the paused-domain sweeper's decision (pure: no I/O, no clock).
 *
 * Where it sits: once per tick the caller observes the alive hosts' libvirt
 * (reconcile/virt.c), adds CloudStack facts from the database, and hands one
 * struct sweep_input to sweep_step().  sweep_step() returns one record per
 * paused domain: an action (ABORT_JOB, RESUME, GIVE_UP) or a reason for doing
 * nothing (SKIP: a rule forbids it; LEAVE: wait and look again).  The caller
 * executes the actions and reports each outcome with sweep_report() before
 * the next tick.
 *
 * Invariant S7 (DESIGN.md "Careful resume"): a domain is resumed only when
 * no job is active and progressing, it has been paused (as first seen by
 * hawatch) for at least pause_grace_ms, its pause reason is resumable,
 * CloudStack says it runs on this host, no snapshot is in progress, and it
 * is not opted out.  A job that made no progress for job_stall_after_ms is
 * aborted first.  Attempts are bounded and backed off.
 *
 * Memory: the core never allocates.  The caller owns the tracking table
 * (struct sweep_state over a caller-supplied array) and the action buffer.
 * Time: now_ms comes in with the input (monotonic ms); nothing here reads a
 * clock.  Output order is deterministic: sorted by host id, then uuid.
 *
 * Pause reasons are libvirt's virDomainPausedReason values (a stable ABI);
 * enum sweep_preason mirrors them so this header needs no libvirt include.
 * reconcile/virt_convert.c checks the mirror with static assertions.
 */
#ifndef HAWATCH_SWEEP_CORE_H
#define HAWATCH_SWEEP_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "backup_progress.h"

#define SWEEP_UUID_LEN		37	/* 36 chars + NUL, libvirt's format */
#define SWEEP_NAME_LEN		80	/* CloudStack instance names are short */
#define SWEEP_DISKERR_LEN	128	/* "hda: no space, vdb: unspecified error" */
#define SWEEP_STATUS_LEN	16	/* backups.status, e.g. "BackingUp" */
#define SWEEP_TEXT_LEN		640	/* one record's explanation / alert */

/* Policy defaults; each one's reason is beside the field in struct
 * sweep_policy. */
#define SWEEP_PAUSE_GRACE_MS_DEFAULT		120000
#define SWEEP_JOB_STALL_AFTER_MS_DEFAULT	600000
#define SWEEP_MAX_RESUME_ATTEMPTS_DEFAULT	3
#define SWEEP_RESUME_BACKOFF_MS_DEFAULT		60000
#define SWEEP_RESUME_BACKOFF_MAX_MS_DEFAULT	960000
#define SWEEP_RESUME_SETTLE_MS_DEFAULT		2000

struct sweep_policy {
	/*
	 * A domain must have been seen paused this long before anything is
	 * done to it.  A guest-agent fsfreeze, an external snapshot or a
	 * libvirt-internal pause normally lasts seconds; 2 min is well past
	 * those and short next to the hours of #12821.
	 */
	uint64_t	pause_grace_ms;
	/*
	 * A job none of whose progress counters (disk_*, data_*, memory_*;
	 * backup_progress.h) moved for this long is considered dead and
	 * aborted; one reporting no counter is never aborted.  Throttled or compressed NAS backups
	 * (seed 002) move slowly but they move; 10 min of no progress at all
	 * is far beyond one NFS retransmit cycle of a hard mount.
	 */
	uint64_t	job_stall_after_ms;
	/*
	 * Failed attempts (re-paused, resume error, abort error) before
	 * hawatch gives up and raises one alert.  3 covers a transient
	 * re-pause while storage is being freed, without hammering a domain
	 * whose storage stays full.
	 */
	uint32_t	max_resume_attempts;
	/*
	 * Wait after the k-th failed attempt: backoff << (k - 1), at most
	 * backoff_max.  1 min gives an operator or a cleanup job time to free
	 * space between tries.
	 */
	uint64_t	resume_backoff_ms;
	uint64_t	resume_backoff_max_ms;	/* 16 min: 5 doublings of 1 min */
	/*
	 * Used by the adapter, not here: how long virt_resume() watches the
	 * state after virDomainResume() (which returns 0 even when QEMU
	 * re-pauses at once on a still-full disk, deps.md 2.4).  2 s is many
	 * guest write attempts.
	 */
	uint64_t	resume_settle_ms;
	/*
	 * A pull-mode backup job is driven by its NBD client and reports no
	 * progress, so it is never aborted.  With this set (> 0), one open
	 * longer is reported (LEAVE pull-job-overdue, sweep.pull_job_max_age)
	 * so an operator can look; 0 (default) never reports it.
	 */
	uint64_t	pull_job_max_age_ms;
};

/* Mirror of libvirt's virDomainPausedReason (values are libvirt's ABI). */
enum sweep_preason {
	SPR_UNKNOWN = 0,
	SPR_USER = 1,
	SPR_MIGRATION = 2,
	SPR_SAVE = 3,
	SPR_DUMP = 4,
	SPR_IOERROR = 5,
	SPR_WATCHDOG = 6,
	SPR_FROM_SNAPSHOT = 7,
	SPR_SHUTTING_DOWN = 8,
	SPR_SNAPSHOT = 9,
	SPR_CRASHED = 10,
	SPR_STARTING_UP = 11,
	SPR_POSTCOPY = 12,
	SPR_POSTCOPY_FAILED = 13,
	SPR_API_ERROR = 14,	/* libvirt >= 9.2 only */
};

/* What libvirt said about the domain's job. */
enum sweep_job {
	SJ_NONE,		/* no job (VIR_DOMAIN_JOB_NONE) */
	SJ_ACTIVE,		/* a job runs; job_processed is its progress */
	SJ_UNSUPPORTED,		/* driver has no job API: treated as no job */
	SJ_UNKNOWN,		/* the job query failed: never resume blind */
};

/* The domain's opt-out metadata marker (reconcile/virt.h). */
enum sweep_marker {
	SM_ABSENT,
	SM_PRESENT,
	SM_UNKNOWN,		/* could not be read: treated as opted out */
};

/* One paused domain: libvirt facts (virt_obs_to_sweep() fills them) plus
 * CloudStack facts from the database layer. */
struct sweep_dom {
	char		 uuid[SWEEP_UUID_LEN];
	char		 name[SWEEP_NAME_LEN];
	int		 reason;		/* enum sweep_preason value */
	enum sweep_job	 job;
	int		 job_op;		/* VIR_DOMAIN_JOB_OPERATION, 0 = unknown */
	uint64_t	 job_processed;		/* bytes, the main counter (texts) */
	struct bp_counters job_progress;	/* every counter libvirt reported */
	int		 job_pull;		/* a pull-mode backup (NBD client) */
	uint64_t	 job_elapsed_ms;	/* libvirt's time_elapsed */
	enum sweep_marker marker;
	char		 disk_errors[SWEEP_DISKERR_LEN];	/* "" when none */
	/* CloudStack facts */
	int		 cs_running_here;	/* state='Running' AND host_id = this host */
	int		 snapshot_in_progress;	/* VM or volume snapshot under way */
	int		 optout_config;		/* listed in hawatch.conf */
	int		 backup_known;		/* latest backups row found */
	uint64_t	 backup_id;
	char		 backup_status[SWEEP_STATUS_LEN];
	uint64_t	 backup_age_ms;
};

struct sweep_host {
	uint32_t		 host_id;
	int			 alive;		/* hawatch's verdict; dead hosts are not swept */
	int			 observed;	/* libvirt answered this tick */
	const struct sweep_dom	*doms;		/* every paused domain on it */
	size_t			 ndoms;
};

struct sweep_input {
	uint64_t		 now_ms;	/* monotonic */
	const struct sweep_host	*hosts;
	size_t			 nhosts;
};

enum sweep_act {
	SWA_ABORT_JOB,		/* virDomainAbortJob, then look again next tick */
	SWA_RESUME,		/* virDomainResume + settle re-read */
	SWA_GIVE_UP,		/* attempts exhausted: alert once */
	SWA_SKIP,		/* a rule forbids acting */
	SWA_LEAVE,		/* nothing yet: wait and look again */
};

enum sweep_why {
	SWW_RESUMABLE,			/* RESUME: every S7 condition holds */
	SWW_JOB_STALLED,		/* ABORT_JOB */
	SWW_ATTEMPTS_EXHAUSTED,		/* GIVE_UP */
	SWW_GIVEN_UP,			/* SKIP: alert already raised */
	SWW_OPTOUT_CONFIG,		/* SKIP */
	SWW_OPTOUT_MARKER,		/* SKIP */
	SWW_MARKER_UNKNOWN,		/* SKIP: opt-out marker unreadable */
	SWW_REASON_NOT_RESUMABLE,	/* SKIP: pause reason not in the list */
	SWW_CS_NOT_RUNNING_HERE,	/* SKIP: CloudStack disagrees */
	SWW_SNAPSHOT_IN_PROGRESS,	/* SKIP */
	SWW_JOB_PROGRESSING,		/* LEAVE: job moved since last look */
	SWW_JOB_IDLE,			/* LEAVE: job quiet, not yet stalled */
	SWW_JOB_UNKNOWN,		/* LEAVE: job state unreadable */
	SWW_GRACE,			/* LEAVE: paused less than the grace */
	SWW_BACKOFF,			/* LEAVE: waiting before the next attempt */
	SWW_HOST_UNOBSERVED,		/* LEAVE: host alive, libvirt unknown */
	SWW_TRACK_FULL,			/* SKIP: tracking table full */
	SWW_JOB_NO_PROGRESS,		/* LEAVE: job reports no progress: unknown */
	SWW_JOB_PULL,			/* LEAVE: pull-mode backup, client-owned */
	SWW_PULL_JOB_OVERDUE,		/* LEAVE: pull job past pull_job_max_age */
	SWW_PULL_ROW_IN_PROGRESS,	/* LEAVE: pull job gone, row BackingUp */
};

struct sweep_action {
	enum sweep_act	 kind;
	enum sweep_why	 why;
	uint32_t	 host_id;
	char		 uuid[SWEEP_UUID_LEN];	/* "" for a host record */
	char		 name[SWEEP_NAME_LEN];
	uint32_t	 attempts;	/* failed attempts so far */
	uint64_t	 paused_ms;	/* how long hawatch has seen it paused */
	uint64_t	 at_ms;		/* LEAVE: when it may act next, else 0 */
	char		 text[SWEEP_TEXT_LEN];	/* explanation; alert for GIVE_UP */
};

/* Caller-owned output buffer; sweep_step() resets n. */
struct sweep_actions {
	struct sweep_action	*v;
	size_t			 n, cap;
};

/* Outcome of an executed action, reported with sweep_report(). */
enum sweep_result {
	SWR_RESUMED,		/* running after the settle time */
	SWR_REPAUSED,		/* resume accepted, paused again: failed attempt */
	SWR_RESUME_FAILED,	/* resume call failed: failed attempt */
	SWR_ABORTED,		/* job aborted: next look treats it as no job */
	SWR_ABORT_FAILED,	/* failed attempt */
	SWR_VANISHED,		/* domain gone: forget it */
};

/* Per-domain memory, keyed by (host_id, uuid). */
struct sweep_track {
	uint32_t	host_id;
	char		uuid[SWEEP_UUID_LEN];
	uint64_t	first_paused_ms;	/* first tick it was seen paused */
	int		job_seen;		/* a job was seen at the last look */
	int		job_op;
	uint64_t	job_processed;		/* bytes at the last look */
	uint64_t	job_progress_ms;	/* when job_processed last moved */
	struct bp_counters job_last;		/* counters at the last look */
	enum bp_field	job_moved_field;	/* the counter that last moved */
	int		job_pull_seen;		/* a pull-mode job was seen */
	uint32_t	attempts;		/* failed attempts */
	uint64_t	next_attempt_ms;	/* 0: no backoff pending */
	int		inflight;		/* action emitted, no report yet */
	enum sweep_act	inflight_kind;
	int		resumed;		/* reported RESUMED, not yet seen running */
	int		given_up;		/* GIVE_UP emitted */
	int		seen;			/* scratch for sweep_step() */
};

struct sweep_state {
	struct sweep_track	*v;		/* caller-supplied storage */
	size_t			 n, cap;
};

void		 sweep_policy_default(struct sweep_policy *);
int		 sweep_policy_check(const struct sweep_policy *, char *err);
void		 sweep_state_init(struct sweep_state *, struct sweep_track *,
		    size_t cap);
int		 sweep_step(const struct sweep_policy *, struct sweep_state *,
		    const struct sweep_input *, struct sweep_actions *,
		    char *err);
int		 sweep_report(const struct sweep_policy *, struct sweep_state *,
		    uint64_t now_ms, uint32_t host_id, const char *uuid,
		    enum sweep_result, char *err);
void		 sweep_forget_host(struct sweep_state *, uint32_t host_id);
uint64_t	 sweep_backoff_ms(const struct sweep_policy *, uint32_t failed);
int		 sweep_reason_resumable(int reason);
int		 sweep_cs_running_here(int found, int removed,
		    const char *state, uint64_t vm_host_id, uint32_t host_id);
const struct sweep_track *sweep_state_find(const struct sweep_state *,
		    uint32_t host_id, const char *uuid);

/* sweep_job.c: the job rules decide() uses (see there) */
int		 sweep_job_track(struct sweep_track *, const struct sweep_dom *,
		    uint64_t now_ms);
enum sweep_why	 sweep_job_unknown_why(const struct sweep_policy *,
		    const struct sweep_dom *);
void		 sweep_job_unknown_text(const struct sweep_policy *,
		    const struct sweep_dom *, enum sweep_why, char *text,
		    size_t len);
void		 sweep_job_progress_text(const struct sweep_track *,
		    const struct sweep_dom *, char *buf, size_t len);
int		 sweep_pull_row_holds(const struct sweep_track *,
		    const struct sweep_dom *);

/* sweep_track.c, for the core's own files (sweep_core.c): the record of
 * (host_id, uuid), removing one, counting a failed attempt. */
struct sweep_track *sweep_track_find(const struct sweep_state *,
		    uint32_t host_id, const char *uuid);
void		 sweep_track_remove(struct sweep_state *, struct sweep_track *);
void		 sweep_track_fail(const struct sweep_policy *,
		    struct sweep_track *, uint64_t now_ms);

const char	*sweep_act_name(enum sweep_act);
const char	*sweep_why_name(enum sweep_why);
const char	*sweep_result_name(enum sweep_result);
const char	*sweep_job_name(enum sweep_job);
const char	*sweep_marker_name(enum sweep_marker);
const char	*sweep_preason_name(int reason);

#endif
