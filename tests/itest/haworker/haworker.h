/*
 * haworker.h -- what the files of the HA-worker fixture share: CloudStack's
 * timing defaults, the options, the rows read from CloudStack's tables,
 * the process state (stop flag, wakeups) and the functions one file calls
 * in another.  main.c describes the program; docs/haworker.md its use.
 */
#ifndef HAWORKER_H
#define HAWORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "sbuf.h"

/* CloudStack defaults (3.1, 3.2, 6); every one is divided by --scale */
#define TIME_TO_SLEEP_MS	60000	/* time.to.sleep 60 s */
#define INVESTIGATE_RETRY_MS	60000	/* investigate.retry.interval 60 */
#define RESTART_RETRY_MS	600000	/* restart.retry.interval 600 */
#define TIME_BETWEEN_FAILURES_MS 3600000 /* time.between.failures 3600 */
#define MS_HEARTBEAT_MS		1500	/* cluster.heartbeat.interval */
#define PING_INTERVAL_MS	60000	/* ping.interval 60 */
#define PING_TIMEOUT		2.5	/* ping.timeout (a multiplier) */
#define MAX_RETRIES		5	/* vm.ha.migration.max.retries */
#define HA_WORKERS		5	/* ha.workers */
/* ours, not CloudStack's */
#define SCALED_MIN_MS		10	/* less only spins */
/* a faster heartbeat only loads the DB; hawatch's ms_dead_after is >= 1 s */
#define HEARTBEAT_MIN_MS	100
#define HOOK_TIMEOUT_MS		60000	/* StartCommand would wait `wait` */
#define HOOK_POLL_MS		20	/* waitpid poll inside the deadline */
#define RECONNECT_MS		1000	/* a thread's DB reconnect backoff */
#define MAX_WORKERS		64

enum inv_mode { INV_HOSTHA, INV_DB };

/* investigate()/isAgentAlive answer (Status, 2.5); AA_NONE: null */
enum agent_answer { AA_UP, AA_DOWN, AA_DISCONNECTED, AA_NONE };

enum vm_alive { VA_TRUE, VA_FALSE, VA_UNKNOWN };

/* the exits of restart() and processWork (3.3, 3.4) */
enum ha_exit {
	EX_NEWER_ROW, EX_OTHER_RUNNING, EX_VM_NOT_FOUND, EX_VM_ERROR,
	EX_CANCELLED, EX_VM_CHANGED, EX_HOST_CHANGED, EX_HOST_GONE,
	EX_VM_MOVED, EX_ALIVE_HOST_UP, EX_ALIVE_HOST_NOT_UP, EX_FENCE_FAILED,
	EX_NOT_HA, EX_LOCAL_STORAGE, EX_STARTED, EX_ALREADY_RUNNING,
	EX_START_FAILED, EX_ZONE_HA_OFF, EX_ERROR, EX_UNSUPPORTED,
};

struct opts {
	struct db_config db;
	uint64_t	 msid;
	unsigned	 workers;
	double		 scale;
	uint64_t	 time_to_sleep_ms, investigate_retry_ms;
	uint64_t	 restart_retry_ms, time_between_failures_ms;
	uint64_t	 heartbeat_ms, ping_interval_ms;
	double		 ping_timeout;
	unsigned	 max_retries;
	int		 force_ha, release_own, mark_investigating;
	int		 agent_monitor;
	enum inv_mode	 investigator;
	const char	*live_hosts_file;
	const char	*start_hook;
	uint64_t	 hook_timeout_ms, work_delay_ms;
};

/* the exits of restart() and processWork: Done when next is 0 */
struct outcome {
	enum ha_exit	exit;
	uint64_t	next;		/* ticks; 0: Done */
};

struct idset {
	uint64_t	*v;
	size_t		 n;
	int		 all;	/* no file given: every host counts as live */
};

struct host {
	uint64_t	id, cluster_id, update_count, last_ping, ms_id;
	char		status[32], type[32], ha_state[32];
	int		removed, ha_row, ha_enabled;
};

struct vm {
	uint64_t	id, host_id, last_host_id, update_count;
	char		instance_name[256], state[32], type[32];
	int		ha_enabled;
};

struct work {
	uint64_t	id, instance_id, host_id, updated, time_to_try;
	unsigned	tried;
	char		type[32], vm_type[32], state[32], step[32], reason[32];
	int		done;		/* processWork: step Done */
	int		claimed;	/* claim kept (not rescheduled) */
};

enum last_host { LH_KEEP, LH_OLD_HOST, LH_NEW_HOST };

/* model.c: process state, set by cli.c and main.c */
extern struct opts	opt;
extern uint64_t		runid;		/* ms.c: this start's mshost runid */
extern atomic_int	stopping;	/* SIGTERM seen: finish and go home */
extern atomic_int	fatal;		/* heartbeat lost its session */
extern pthread_mutex_t	mu;
extern pthread_cond_t	cv;		/* CLOCK_MONOTONIC; stop and wakeups */

/* model.c */
const char	*inv_mode_name(enum inv_mode);
const char	*agent_answer_name(enum agent_answer);
const char	*vm_alive_name(enum vm_alive);
const char	*ha_exit_name(enum ha_exit);
int		 haw_wait(uint64_t);
void		 haw_wakeup(void);
uint64_t	 now_ticks(void);
uint64_t	 retry_ticks(uint64_t);
int		 haw_connect(struct db *, char *);
int		 haw_exec(struct db *, const char *, unsigned long long *, char *,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
int		 haw_u64(struct db *, const char *, uint64_t *, char *,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
MYSQL_RES	*haw_query(struct db *, const char *, char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
const char	*id_sql(char *, size_t, uint64_t);
void		 idset_load(struct idset *);
int		 idset_has(const struct idset *, uint64_t);
void		 idset_sql(const struct idset *, const char *, struct sbuf *);
void		 cpy(char *, size_t, const char *);
int		 host_read(struct db *, uint64_t, struct host *, char *);
int		 vm_read(struct db *, uint64_t, struct vm *, char *);
int		 vm_transit(struct db *, struct vm *, const char *, uint64_t,
		    enum last_host, int, char *);
int		 zone_ha_enabled(struct db *, char *);

/* investigate.c */
int		 hostha_eligible(const struct host *);
enum agent_answer agent_alive(const struct host *, const struct idset *);
enum vm_alive	 vm_alive(const struct host *, const struct idset *);
int		 investigate(struct db *, uint64_t, enum agent_answer *, char *);
int		 fence_off(struct db *, const struct host *, int *, char *);

/* vm_start_stop.c */
int		 advance_stop(struct db *, struct vm *, char *);
int		 start_vm(struct db *, struct vm *, const struct host *, char *);
/* usage_nics.c: what CloudStack's start path writes besides vm_instance */
int		 cs_start_side_effects(struct db *, uint64_t vm, char *);

/* restart.c */
int		 restart(struct db *, struct work *, struct outcome *, char *);

/* worker.c, monitor.c, ms.c: thread bodies and the lifecycle */
void		*worker_main(void *);
void		*monitor_main(void *);
void		*heartbeat_main(void *);
int		 lifecycle_start(struct db *, char *);
int		 lifecycle_stop(struct db *, char *);

/* cli.c */
int		 parse_args(int, char **);
void		 log_config(void);

#endif
