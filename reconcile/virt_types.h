/*
 * virt_types.h -- the libvirt adapter's vocabulary: limits, return codes,
 * observations and action results (contract and meaning in virt.h).  A
 * header of its own so that the adapter's private virt_impl.h can use the
 * types without including virt.h (no include cycle).
 */
#ifndef HAWATCH_VIRT_TYPES_H
#define HAWATCH_VIRT_TYPES_H

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

#endif
