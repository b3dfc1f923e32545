/*
 * virt.h -- libvirt adapter for the paused-domain sweeper.
 *
 * Observes what the core (src/core/sweep_core.h) needs about each host's paused
 * domains and executes its actions (abort a job, resume).  It never
 * decides: no grace, no retry, no backoff here.
 *
 * Threads and deadlines (S8): every libvirt interaction runs in a detached
 * worker thread and the caller waits for it at most until its deadline.  A
 * worker that misses the deadline is abandoned, not killed: the caller gets
 * VIRT_TIMEOUT at once, the worker frees its own result when libvirt
 * finally returns, and a connection it opened late is closed.  Until then
 * the host's struct virt_conn stays busy and further calls on it return
 * VIRT_BUSY immediately (a hung libvirtd costs each sweep nothing).
 * virConnectOpen() to a stopped daemon blocks forever (deps.md 2.3), hence
 * the thread; on an open connection, keepalive (2 s x 2) plus the default
 * event loop (one thread, started by virt_init()) turns a hung daemon into a
 * failed call within about 6 s, which frees the worker.
 *
 * Connections: one struct virt_conn per host, opened on first use and kept
 * across sweeps.  A connection found dead (virConnectIsAlive() == 0 or its
 * close callback fired) is closed and reopened at the next use.
 *
 * Opt-out marker: a libvirt metadata element in namespace VIRT_OPTOUT_NS.
 * Any element there (conventionally <optout/>) opts the domain out:
 *   virsh metadata DOM --uri https://hawatch.example.org/xmlns/optout/1 \
 *       --key hawatch --set '<optout/>' --live --config
 *
 * Domains are named by `dom`: a uuid string (36 characters, as the sweeper
 * uses) or a name.  A domain that no longer exists gives VIRT_VANISHED
 * ("domain vanished: <dom>") and nothing else is touched.
 *
 * Returns: functions returning enum virt_rc give VIRT_OK (0) on success,
 * otherwise the kind of failure with err filled; int functions 0 / -1.
 * Observation and action results carry their own rc and err.
 *
 * Files: virt.c (threads, deadlines, connections, these entry points),
 * virt_ops.c (the libvirt calls a worker makes), virt_names.c (URI
 * template, names, glue to src/core/sweep_core.h), virt_impl.h (private).
 * Doc: docs/sweeper.md.
 */
#ifndef HAWATCH_VIRT_H
#define HAWATCH_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include "backup_progress.h"
#include "util.h"

#define VIRT_URI_TEMPLATE_DEFAULT	"qemu+tls://{ip}/system"
#define VIRT_OPTOUT_NS		"https://hawatch.example.org/xmlns/optout/1"
#define VIRT_OPTOUT_KEY		"hawatch"	/* XML prefix for --key */
#define VIRT_URI_LEN		512
#define VIRT_NAME_LEN		80
#define VIRT_UUID_LEN		37
#define VIRT_MAX_DISK_ERRORS	8
#define VIRT_NOTE_LEN		256

/* Keepalive on every remote connection: a daemon that misses 2 probes 2 s
 * apart is declared dead (~6 s), so no call blocks on a hung libvirtd. */
#define VIRT_KEEPALIVE_INTERVAL_S	2
#define VIRT_KEEPALIVE_COUNT		2
/* State re-read period while a resume settles (deps.md 2.4: a domain on a
 * still-full disk re-pauses within milliseconds). */
#define VIRT_SETTLE_POLL_MS		100

enum virt_rc {
	VIRT_OK = 0,
	VIRT_RESUMED,		/* resume: running after the settle time */
	VIRT_REPAUSED,		/* resume accepted, then paused again */
	VIRT_NOT_PAUSED,	/* resume: it was not paused; nothing done */
	VIRT_NO_JOB,		/* abort: no job was active; nothing done */
	VIRT_UNSUPPORTED,	/* the driver lacks the call (test driver) */
	VIRT_VANISHED,		/* domain no longer exists: nothing touched */
	VIRT_TIMEOUT,		/* deadline passed; worker abandoned */
	VIRT_BUSY,		/* an abandoned call on this host still runs */
	VIRT_UNREACHABLE,	/* open failed: refused, no socket, no route */
	VIRT_CONN_LOST,		/* the open connection died (keepalive, EOF) */
	VIRT_FAILED,		/* anything else; see err */
};

enum virt_job {
	VJ_NONE,		/* VIR_DOMAIN_JOB_NONE */
	VJ_ACTIVE,		/* a job runs: see job_type / job_op / data_* */
	VJ_UNSUPPORTED,		/* "job info unsupported": treat as no job */
	VJ_ERROR,		/* the query failed: unknown */
};

/* A backup job's mode (virDomainBackupGetXMLDesc), virt_progress.c. */
enum virt_backup_mode {
	VBM_NONE,		/* not a backup job, or not read */
	VBM_PUSH,		/* libvirt writes the copy: disk_* progress */
	VBM_PULL,		/* an NBD client reads it: no progress */
	VBM_UNKNOWN,		/* a backup whose XML could not be read */
};

enum virt_marker {
	VMK_ABSENT,
	VMK_PRESENT,
	VMK_UNKNOWN,		/* metadata read failed */
};

struct virt_disk_error {
	char		 disk[32];	/* target, e.g. "hda" */
	int		 code;		/* virDomainDiskErrorCode */
	const char	*name;		/* "no space", "unspecified error" */
};

/* One domain as observed.  Paused domains are described fully; running
 * ones (virt_host_obs.running) carry name, uuid, state and job only. */
struct dom_obs {
	char		 name[VIRT_NAME_LEN];
	char		 uuid[VIRT_UUID_LEN];
	int		 state;		/* virDomainState */
	int		 reason;	/* meaning depends on state */
	const char	*state_name;	/* "paused" */
	const char	*reason_name;	/* "ioerror" (names per state) */
	enum virt_job	 job;
	int		 job_type;	/* virDomainJobType, 0 when none */
	int		 job_op;	/* VIR_DOMAIN_JOB_OPERATION, 9 = backup */
	uint64_t	 job_elapsed_ms;
	uint64_t	 data_processed;	/* bytes, 0 when not reported */
	uint64_t	 data_remaining;
	uint64_t	 data_total;
	struct bp_counters progress;	/* every counter reported (disk_*...) */
	enum virt_backup_mode backup_mode;
	int		 ndisk_errors;	/* -1: could not be read */
	struct virt_disk_error disk_errors[VIRT_MAX_DISK_ERRORS];
	enum virt_marker marker;
	char		 note[VIRT_NOTE_LEN];	/* "job info unsupported"; ... */
};

/* One host's observation.  paused[] is heap memory: virt_host_obs_clear(). */
struct virt_host_obs {
	uint32_t	 host_id;
	enum virt_rc	 rc;		/* VIRT_OK: the counts and list are valid */
	char		 err[ERR_LEN];
	uint64_t	 elapsed_ms;
	int		 opened;	/* a new connection was opened for it */
	unsigned	 nrunning;	/* running (not described) */
	unsigned	 nother;	/* active in any other state but paused */
	size_t		 npaused;
	struct dom_obs	*paused;
	size_t		 nrun;		/* running domains, job read */
	struct dom_obs	*running;	/* heap memory too */
};

/* Outcome of an action. */
struct virt_act {
	enum virt_rc	 rc;
	int		 state, reason;	/* last state read, -1 when none */
	const char	*state_name, *reason_name;
	uint64_t	 elapsed_ms;
	char		 err[ERR_LEN];
};

struct virt_conn;
struct sweep_dom;

int		 virt_init(char *err);
void		 virt_shutdown(void);
int		 virt_uri_expand(const char *tmpl, const char *ip, char *out,
		    size_t len, char *err);

struct virt_conn *virt_conn_new(uint32_t host_id, const char *uri);
void		 virt_conn_free(struct virt_conn *);
const char	*virt_conn_uri(const struct virt_conn *);
enum virt_rc	 virt_open(struct virt_conn *, uint64_t timeout_ms, char *err);

void		 virt_observe_hosts(struct virt_conn *const *conns, size_t n,
		    uint64_t timeout_ms, struct virt_host_obs *out);
void		 virt_host_obs_clear(struct virt_host_obs *);

void		 virt_abort_job(struct virt_conn *, const char *dom,
		    uint64_t timeout_ms, struct virt_act *out);
void		 virt_resume(struct virt_conn *, const char *dom,
		    uint64_t settle_ms, uint64_t timeout_ms,
		    struct virt_act *out);

/* Glue to the core: fill the libvirt fields of a struct sweep_dom (the
 * CloudStack fields are left alone), and map action outcomes. */
void		 virt_obs_to_sweep(const struct dom_obs *, struct sweep_dom *);
int		 virt_resume_result(enum virt_rc);	/* enum sweep_result */
int		 virt_abort_result(enum virt_rc);	/* enum sweep_result */

const char	*virt_rc_name(enum virt_rc);
const char	*virt_job_name(enum virt_job);
const char	*virt_marker_name(enum virt_marker);
const char	*virt_state_name(int state);
const char	*virt_reason_name(int state, int reason);
const char	*virt_jobtype_name(int type);
const char	*virt_jobop_name(int op);
const char	*virt_disk_error_name(int code);
const char	*virt_backup_mode_name(enum virt_backup_mode);

/* virt_progress.c: the job counters in text ("backup disk_processed=N")
 * and in evidence JSON ("progress":{...}) */
struct sbuf;
void		 virt_job_fmt(const struct dom_obs *, char *buf, size_t len);
void		 virt_progress_json(struct sbuf *, const struct dom_obs *);
void		 virt_progress_family(const struct dom_obs *, uint64_t *processed,
		    uint64_t *remaining, uint64_t *total);

#endif
