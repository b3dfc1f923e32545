/*
 * core.h -- THE contract of hawatch's pure decision core.  Read this first.
 *
 * Once per tick the supervisor (tick.c, observe.c) gathers observations with
 * deadlines, stamps them with one monotonic time, and calls core_step().
 * The core updates each host's liveness/fencing state machine
 * (fsm_track.c, host_fsm.c) under the cluster guards (guards.c) and hands back
 * actions (fence, reconcile, alert, clear alert, report) plus the list of
 * state transitions for logs, status and golden tests.
 *
 *   observations --> core_step() --> actions + transition events
 *
 * Pure: no I/O, no clock reads, no globals; core_step() never allocates
 * (the caller owns the actions/events buffers, and core_state_reserve()
 * grows the state outside the step).  Same inputs, same outputs, in
 * host-id order.
 *
 * Safety invariants enforced here (DESIGN.md):
 *   S1  a fence needs the heartbeat unchanged on every pool of the host
 *       for dead_after, every such pool readable with an HB_OK reading,
 *       and another host still advancing on each of them;
 *   S2  HS_FENCED (and so ACT_RECONCILE) only after two consecutive
 *       BMC "off" readings, a fence the executor confirmed off, an
 *       operator confirmation, or the opt-in self-fence time;
 *   S3  storm guard: no fence in a cluster where too many hosts went
 *       stale at once or where a whole pool went stale.
 * Only the leader receives ACT_FENCE and ACT_RECONCILE.
 *
 * States, guards and rules in prose: docs/states.md.  Timings: timing.h.
 * Convention: functions return 0, or -1 (with err of ERR_LEN filled when
 * they take one).
 */
#ifndef HAWATCH_CORE_H
#define HAWATCH_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define CORE_MAX_POOLS_PER_HOST	8	/* NFS primary pools per host */

/* ------------------------------------------------------------------ */
/* Observations (filled by adapters; one struct core_obs per tick)     */

#include "core_types.h"	/* pwr_obs, fence_result, ign_reason, ... */

struct hb_reading {
	uint32_t	 pool_id;
	enum hb_status	 status;
	uint64_t	 value;		/* epoch seconds written by the host */
	int64_t		 mtime_ms;	/* NFS server mtime: compare only with
					   other mtimes on the same pool */
};

struct host_obs {
	uint64_t	 host_id;	/* obs hosts sorted by host_id, unique */
	uint64_t	 cluster_id;
	enum ign_reason	 ignored;	/* IGN_NONE unless left alone */
	struct hb_reading hb[CORE_MAX_POOLS_PER_HOST];	/* one per pool of
					   the host, unique pool ids */
	size_t		 nhb;
	enum pwr_obs	 power;		/* latest completed BMC reading */
	uint64_t	 power_seq;	/* +1 per completed reading; 0 = none */
	enum fence_result fence;	/* latest attempt's result */
	uint64_t	 fence_seq;	/* +1 per finished attempt */
	uint32_t	 vms_active;	/* VMs recorded Running/Starting/
					   Stopping on the host */
	int		 operator_confirmed_off;	/* hawatch reconcile
					   --confirm-fenced (acted on when
					   it rises 0 -> 1) */
	int		 dup_ip;	/* another watched host has the same
					   private IP: the heartbeat file is
					   shared, so it proves nothing */
	uint32_t	 fence_attempts_recorded;	/* attempts of this
					   episode in hawatch's schema (any
					   leader's); adopted when higher */
	/* BMC corroboration (guard_bmc.c; docs/states.md "BMC trust") */
	enum probe_obs	 probe;		/* latest finished libvirt probe */
	uint64_t	 probe_seq;	/* +1 per finished probe; 0 = none */
	uint64_t	 probe_power_seq;	/* power_seq when that probe
					   began (it began on an off
					   reading) */
	enum bmc_identity identity;	/* BMC GUID vs host SMBIOS UUID */
	int		 contradiction_open;	/* hawatch.alerts holds an
					   open bmc_contradiction row */
	uint64_t	 contradiction_cleared;	/* id of the newest such row
					   an operator cleared; a move
					   clears the core's latch */
};

struct pool_obs {
	uint32_t	 pool_id;	/* sorted by pool_id, unique */
	int		 readable;	/* a heartbeat read on it succeeded
					   this tick */
};

struct core_obs {
	uint64_t		 now_ms;	/* monotonic, never decreases */
	int			 is_leader;
	const struct host_obs	*hosts;
	size_t			 nhosts;
	const struct pool_obs	*pools;
	size_t			 npools;
};

/* ------------------------------------------------------------------ */
/* Policy (filled by the config loader; defaults and reasons: timing.h) */

struct core_policy {
	uint64_t	 suspect_after_ms;	/* unchanged this long: suspect */
	uint64_t	 dead_after_ms;		/* unchanged this long: S1 dead */
	uint64_t	 startup_grace_ms;	/* no fence this long after the
						   first tick */
	uint64_t	 fence_timeout_ms;	/* executor's bound per attempt */
	uint64_t	 fence_quiet_ms;	/* between attempts on a host */
	uint32_t	 fence_max_attempts;
	int		 storm_guard_enabled;
	uint32_t	 storm_fraction;	/* per mille, 1..1000 */
	uint64_t	 self_fence_after_ms;	/* 0 = off */
	uint64_t	 rearm_after_ms;	/* RETURNED -> ALIVE after this
						   long healthy; also the window
						   of the storm count and of the
						   cluster fence budget */
	uint32_t	 cluster_fence_max;	/* hosts fenced per cluster per
						   rearm_after; 0 = no limit */
	uint64_t	 bmc_poll_interval_ms;
	uint64_t	 tick_ms;		/* supervisor period: a change is
						   seen up to one tick late */
	/* CloudStack agent timings, for the derived floors */
	uint64_t	 agent_hb_interval_ms;
	uint64_t	 agent_hb_write_timeout_ms;
	uint32_t	 agent_hb_max_tries;
	uint64_t	 agent_hb_retry_sleep_ms;
};

/* ------------------------------------------------------------------ */
/* Outputs                                                             */

enum host_state {
	HS_UNKNOWN,	/* no usable evidence yet */
	HS_ALIVE,	/* heartbeat changed within suspect_after */
	HS_SUSPECT,	/* stale, or stale where readable and unknown elsewhere */
	HS_DEAD,	/* S1 evidence holds; waiting for fence permission */
	HS_FENCING,	/* ACT_FENCE issued, result pending */
	HS_FENCED,	/* confirmed off: reconcile (leader) */
	HS_UNFENCEABLE,	/* dead but cannot be fenced: alert raised */
	HS_RETURNED,	/* came back after a fence: never fenced until
			   healthy for rearm_after */
	HS_IGNORED,	/* maintenance / disabled / excluded / removed */
};
#define HS_LAST HS_IGNORED

enum act_kind {
	ACT_FENCE,		/* power the host off and read it back */
	ACT_RECONCILE,		/* stop + re-queue the host's VMs (idempotent) */
	ACT_ALERT,		/* raise an alert (host, cluster or pool) */
	ACT_CLEAR_ALERT,	/* the alert's condition is over */
	ACT_REPORT,		/* informational: worth an audit/log line */
};
#define ACT_LAST ACT_REPORT

enum act_why {
	WHY_NONE,
	/* liveness */
	WHY_HB_ADVANCING,	/* heartbeat changed recently */
	WHY_HB_STALE,		/* unchanged for suspect_after */
	WHY_HB_DEAD,		/* S1 holds */
	WHY_HB_UNKNOWN,		/* a pool read failed for this host */
	WHY_HB_GARBAGE,		/* unparsable heartbeat content */
	WHY_HB_MISSING,		/* no heartbeat file */
	WHY_NO_EVIDENCE,	/* first readings only: no change seen yet */
	WHY_NO_POOLS,		/* host has no heartbeat pool */
	WHY_POOL_UNREADABLE,	/* no read on the pool succeeded */
	WHY_POOL_STALL,		/* no heartbeat on the pool advances */
	WHY_NO_PEER,		/* host is alone on a pool: S1 impossible */
	/* fence guards (hold reasons) */
	WHY_NOT_LEADER,
	WHY_STARTUP_GRACE,
	WHY_STORM_GUARD,
	WHY_FENCE_QUIET,
	/* fencing */
	WHY_FENCE_FAILED,	/* attempt ended FENCE_FAILED_UNKNOWN */
	WHY_FENCE_TIMEOUT,	/* no result within the stuck bound */
	WHY_FENCE_BUDGET_EXHAUSTED,
	WHY_FENCE_OFF_CONFIRMED,	/* executor confirmed off */
	WHY_POWER_OFF_CONFIRMED,	/* two consecutive BMC off readings */
	WHY_OPERATOR_CONFIRMED,
	WHY_SELF_FENCE_ELAPSED,
	WHY_BMC_AUTH,
	WHY_BMC_UNREACHABLE,
	WHY_BMC_RECOVERED,
	/* BMC trust (guard_bmc.c) */
	WHY_BMC_OFF_UNCONFIRMED,	/* two off readings, corroboration
					   pending: held as suspect */
	WHY_BMC_CONTRADICTION,		/* the BMC read off while the host
					   wrote or its libvirt answered */
	WHY_BMC_IDENTITY_MISMATCH,	/* BMC GUID != host SMBIOS UUID */
	/* after a fence */
	WHY_HB_RETURNED,	/* heartbeat advanced after the fence */
	WHY_POWER_RETURNED,	/* two consecutive BMC on readings */
	WHY_DEAD_BEFORE_REARM,	/* returned host went dead again */
	WHY_REARMED,		/* healthy for rearm_after */
	WHY_VMS_ACTIVE,		/* reconcile again: VMs still recorded */
	/* inventory */
	WHY_IGN_MAINTENANCE,
	WHY_IGN_DISABLED,
	WHY_IGN_OPERATOR,
	WHY_IGN_REMOVED,
	WHY_UNIGNORED,
	WHY_HOST_GONE,		/* host left the observations */
	/* safety holds (issue 11) */
	WHY_DUPLICATE_IP,	/* heartbeat file shared with another host */
	WHY_CLUSTER_FENCE_BUDGET,	/* cluster_fence_max spent */
	WHY_SUSPECT_TOO_LONG,	/* suspect for longer than dead_after */
	WHY_AUDIT_FAILED,	/* fence_requested not recorded: not sent */
};
#define WHY_LAST WHY_AUDIT_FAILED

/*
 * One action.  Scope: host actions have host_id set (and pool_id for a
 * per-pool report); ACT_ALERT/ACT_CLEAR_ALERT WHY_STORM_GUARD are
 * cluster-scoped (host_id 0, cluster_id set); WHY_POOL_STALL and
 * WHY_POOL_UNREADABLE alerts are pool-scoped (host_id 0, pool_id set).
 * CloudStack host ids start at 1, so 0 means "none".
 */
struct action {
	enum act_kind	 kind;
	uint64_t	 host_id;
	enum act_why	 why;
	uint64_t	 cluster_id;
	uint32_t	 pool_id;
};

struct actions {			/* caller-owned; core appends */
	struct action	*v;
	size_t		 n, cap;
};

struct core_event {			/* "host X: state A -> B (why)" */
	uint64_t	 t_ms;
	uint64_t	 host_id;
	enum host_state	 from, to;
	enum act_why	 why;
};

struct core_events {			/* caller-owned; core appends */
	struct core_event *v;
	size_t		 n, cap;
};

/* What `hawatch status` shows per host. */
struct pool_view {
	uint32_t	 pool_id;
	enum hb_status	 status;	/* this tick's reading */
	int		 readable;	/* pool readable this tick */
	uint64_t	 value;		/* last HB_OK value */
	int64_t		 mtime_ms;
	int64_t		 last_change_ms;	/* hawatch clock; may be < 0
					   when estimated at startup */
	int		 seeded;	/* last_change estimated from mtime lag */
};

struct host_core_view {
	uint64_t	 host_id;
	uint64_t	 cluster_id;
	enum host_state	 state;
	uint64_t	 since_ms;	/* time of the last transition */
	enum act_why	 why;		/* why of the last transition */
	enum act_why	 hold;		/* what keeps it from moving on, or
					   WHY_NONE (e.g. a DEAD host held by
					   WHY_STORM_GUARD) */
	uint64_t	 stale_ms;	/* age of the freshest usable heartbeat */
	uint32_t	 fence_attempts;
	int		 alert;		/* a host alert is raised */
	enum act_why	 alert_why;
	enum pwr_obs	 power;		/* latest BMC reading */
	enum fence_source fenced_by;	/* who confirmed the last HS_FENCED:
					   BMC, self-fence or operator; kept
					   until the host is fenced again */
	int		 bmc_contradiction;	/* latched until an operator
					   clears it: the BMC is not trusted */
	int		 bmc_identity_mismatch;	/* fencing disabled */
	uint32_t	 vms_active;
	size_t		 npools;
	struct pool_view pools[CORE_MAX_POOLS_PER_HOST];
};

struct core_state;

/* ------------------------------------------------------------------ */
/* API                                                                 */
/*
 * Caller's tick (tick.c):
 *   core_state_reserve(st, nhosts, npools);     grows only, allocates
 *   need = core_out_bound(st, &obs);            size acts/evs (n = 0)
 *   core_step(&pol, st, &obs, &acts, &evs);     -1: core_obs_check() says
 *                                               why; nothing changed
 *   execute acts (ACT_FENCE/ACT_RECONCILE only arrive when is_leader),
 *   log evs as core.transition host= from= to= why=.
 * When the inventory cannot be read, skip core_step() for that tick: an
 * empty host list drops every host with its history (returned latch,
 * attempts spent).
 */

void	core_policy_defaults(struct core_policy *);
int	core_policy_check(const struct core_policy *, char *err);
uint64_t core_self_fence_min_ms(const struct core_policy *);

struct core_state *core_state_new(void);
void	core_state_free(struct core_state *);
/* Grow capacity (allocates; call before core_step when the inventory
 * grows).  0, or -1 on allocation failure. */
int	core_state_reserve(struct core_state *, size_t nhosts, size_t npools);

/* Room core_step() needs in each of actions and events (beyond n). */
size_t	core_out_bound(const struct core_state *, const struct core_obs *);

/* Why core_step() would refuse these inputs; 0 when it would not. */
int	core_obs_check(const struct core_policy *, const struct core_state *,
	    const struct core_obs *, const struct actions *,
	    const struct core_events *, char *err);

/*
 * One tick.  Appends actions and transition events.  Returns -1 and
 * changes nothing when core_obs_check() fails (unsorted input, time going
 * backwards, capacity or output room too small); 0 otherwise.
 */
int	core_step(const struct core_policy *, struct core_state *,
	    const struct core_obs *, struct actions *, struct core_events *);

const struct host_core_view *core_host_view(const struct core_state *,
	    uint64_t host_id);
size_t	core_host_count(const struct core_state *);
const struct host_core_view *core_host_view_at(const struct core_state *,
	    size_t i);
int	core_cluster_storm(const struct core_state *, uint64_t cluster_id);
int	core_pool_stalled(const struct core_state *, uint32_t pool_id);

/* Total name functions (names.c; the shared enums' in core_types.h): stable lowercase tokens used in
 * logs, status and golden files.  Out of range: "invalid". */
const char	*host_state_name(enum host_state);
const char	*act_kind_name(enum act_kind);
const char	*act_why_name(enum act_why);

/* ------------------------------------------------------------------ */
/* Internals shared by core.c, fsm_track.c, host_fsm.c, guards.c.     */
/* Callers use only the API above.                                     */

enum core_evidence {
	EV_NONE,	/* no HB_OK reading yet */
	EV_BASELINE,	/* first reading; counted as a change at that tick */
	EV_SEEDED,	/* first reading at startup; change time estimated
			   from the mtime lag on the pool */
	EV_OBSERVED,	/* hawatch saw the (value, mtime) change */
};

enum core_verdict {
	V_UNKNOWN,	/* nothing usable, or only first readings */
	V_ALIVE,
	V_SUSPECT,	/* stale, or stale but some pool unusable */
	V_DEAD,		/* S1 holds */
};

struct core_track {			/* one (host, pool) */
	uint32_t		 pool_id;
	enum hb_status		 status;
	int			 usable;	/* readable && HB_OK */
	enum core_evidence	 ev;
	uint64_t		 value;
	int64_t			 mtime_ms;
	int64_t			 last_change_ms;
	int			 garbage_reported;
	int			 garbage_new;	/* report this tick */
	size_t			 pool_ix;	/* into state pools, or
						   (size_t)-1 */
};

struct core_host {
	struct host_core_view	 v;		/* core_host_view() */
	struct core_track	 tr[CORE_MAX_POOLS_PER_HOST];
	size_t			 ntr;
	size_t			 cluster_ix;
	/* this tick */
	const struct host_obs	*o;
	enum core_verdict	 verdict;
	enum act_why		 vwhy;
	int64_t			 age_ms;	/* freshest usable heartbeat */
	int			 stale;		/* for the storm count */
	int			 fence_new;	/* fence_seq moved */
	int			 op_rise;	/* operator confirm 0 -> 1 */
	/* evidence memory */
	int			 have_obs_change;
	int64_t			 last_obs_change_ms;
	int			 no_seed;	/* back from ignore: no mtime
						   estimate */
	uint64_t		 power_seq_seen;
	uint64_t		 fence_seq_seen;
	uint32_t		 off_run, on_run;
	int			 operator_prev;
	int			 bmc_auth_reported;
	/* BMC corroboration (guard_bmc.c) */
	uint64_t		 off_first_seq;	/* power_seq of the run's first
						   off reading */
	int64_t			 off_window_ms;	/* start of the quiet window */
	uint32_t		 off_ticks;	/* ticks since the first off */
	int			 probe_silent;	/* a probe begun in this run
						   found libvirt silent */
	uint64_t		 contra_seq;	/* power_seq current when this
						   run saw the host write or
						   answer; 0 = not seen */
	uint64_t		 probe_seq_seen;
	uint64_t		 contra_cleared_seen;
	/* fencing memory */
	int64_t			 fence_started_ms;
	int			 fence_ended;
	int64_t			 fence_ended_ms;
	int			 reconcile_sent;
	int			 unf_by_reading;	/* UNFENCEABLE because of
						   a BMC reading, not a
						   fence result */
	int			 healthy;
	int64_t			 healthy_since_ms;
	/* issue 11 holds (fsm_holds.c) */
	int			 dup_alert;	/* duplicate_ip raised */
	int			 fence_unstarted;	/* last ACT_FENCE came
						   back FENCE_NOT_STARTED */
	int			 fence_mark, fence_mark_prev;
	int64_t			 fence_mark_ms, fence_mark_prev_ms;	/* last
						   entry into FENCING/FENCED */
};

struct core_pool {
	uint32_t	 pool_id;
	int		 readable;
	int		 unreadable;
	int64_t		 unreadable_since_ms;
	int		 unreadable_alert;
	int		 stall_alert;
	/* this tick */
	int		 have_fresh;
	int64_t		 fresh_mtime_ms;	/* newest HB_OK mtime */
	uint32_t	 nhosts;		/* watched hosts, usable reading */
	uint32_t	 nadvancing;		/* of those, observed change
						   within suspect_after */
	int		 have_young;
	int64_t		 youngest_ms;		/* smallest age among them */
	int		 storm;			/* >= 2 hosts, all stale */
};

struct core_cluster {
	uint64_t	 cluster_id;
	uint32_t	 eligible, stale;	/* both count the hosts fenced
						   within rearm_after */
	uint32_t	 fenced_recent;		/* fences within rearm_after */
	int		 budget_full;		/* cluster_fence_max reached */
	int		 pool_storm;
	int		 storm;
};

struct core_state {
	struct core_host	*h, *h2;	/* sorted by host_id; h2 scratch */
	size_t			 nh, cap_h;
	struct core_pool	*p, *p2;
	size_t			 np, cap_p;
	struct core_cluster	*c, *c2;
	size_t			 nc, cap_c;
	int			 started;
	uint64_t		 first_ms, prev_ms;
};

/* What the phases (fsm_track.c, host_fsm.c, guards.c) know of a tick. */
struct core_tick {
	const struct core_policy *pol;
	struct core_state	*st;
	const struct core_obs	*obs;
	int64_t			 now;
	struct actions		*acts;
	struct core_events	*evs;
};

#define CORE_FSM_CHAIN		4	/* transitions per host per tick */
#define CORE_OUT_PER_HOST	(3 * CORE_FSM_CHAIN + 8 + CORE_MAX_POOLS_PER_HOST + \
				 CORE_BMC_OUT)
#define CORE_BMC_OUT		4	/* guard_bmc.c: two alerts, two clears */

/* core_emit.c: leaf helpers core.c, guards.c and the FSM share (they
 * call nothing back, so no file of the core calls in a circle) */
size_t	core_pool_find(const struct core_state *, uint32_t pool_id);
void	core_emit(struct core_tick *, enum act_kind, uint64_t host_id,
	    enum act_why, uint64_t cluster_id, uint32_t pool_id);

/* guards.c */
void	guard_pools(struct core_tick *);
void	guard_clusters(struct core_tick *);
int	guard_storm_rule(const struct core_policy *, uint32_t eligible,
	    uint32_t stale);
enum act_why guard_fence_hold(const struct core_tick *,
	    const struct core_host *);
int	guard_self_fence_ready(const struct core_tick *,
	    const struct core_host *);
int	guard_in_startup(const struct core_tick *);

/* fsm_holds.c: issue 11's holds, called by the phases above (a leaf) */
int	hold_fenced_recently(const struct core_tick *,
	    const struct core_host *);
void	hold_duplicate_ip(struct core_tick *, struct core_host *);
void	hold_suspect_too_long(struct core_tick *, struct core_host *);
void	hold_on_enter(struct core_tick *, struct core_host *,
	    enum host_state to);
void	hold_adopt_attempts(struct core_host *);
void	hold_host_alert(struct core_tick *, struct core_host *,
	    enum act_why);
/* guard_bmc.c: may the BMC's off readings be trusted (S2 corroboration) */
enum bmc_off_rule {
	BMC_OFF_NONE,		/* fewer than two off readings in a row */
	BMC_OFF_WAIT,		/* two or more, corroboration pending */
	BMC_OFF_CONFIRMED,	/* two or more, corroborated: S2 holds */
	BMC_OFF_DISTRUSTED,	/* contradiction or identity mismatch */
};
void	guard_bmc_init(struct core_host *, const struct host_obs *);
void	guard_bmc_track(struct core_tick *, struct core_host *, int new_off);
void	guard_bmc_reset(struct core_host *);
int	guard_bmc_result_trusted(const struct core_host *);
enum bmc_off_rule guard_bmc_off(const struct core_tick *,
	    const struct core_host *);
enum act_why guard_bmc_hold(const struct core_host *);
void	guard_bmc_gone(struct core_tick *, struct core_host *);

/* fsm_track.c: phases 1 and 2 of a host (tracking, S1 verdict) */
void	fsm_track(struct core_tick *, struct core_host *);
void	fsm_verdict(struct core_tick *, struct core_host *);
/* host_fsm.c: phase 3 (transitions and actions) */
void	fsm_step(struct core_tick *, struct core_host *);
void	fsm_enter(struct core_tick *, struct core_host *, enum host_state,
	    enum act_why);

#endif
