/*
 * bmc_worker.h -- the BMC pool's shared state, for bmc_pool.c (life
 * cycle, targets, snapshots) and bmc_worker.c (the worker threads) only.
 * Everything here is guarded by bmc_pool.mu, except a host's conn, which
 * only the worker that marked the host busy touches.
 */
#ifndef HAWATCH_BMC_WORKER_H
#define HAWATCH_BMC_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "bmc_types.h"

#define BMC_POOL_MAX_WORKERS	64

struct bmc_host {
	uint32_t		 id;
	struct ipmi_target	 t;
	char			 addr[IPMI_ADDR_LEN];
	uint64_t		 tgen;		/* bumps when t changes */
	int			 busy;		/* a worker owns an operation */
	int			 removed;	/* dropped while busy */
	int			 fence_queued;
	unsigned		 fence_timeout_ms;
	uint64_t		 next_poll_ms;
	struct ipmi_conn	 conn;		/* kept session: busy worker only */
	uint64_t		 conn_tgen;	/* tgen the session was opened for */
	int			 sess_open;	/* conn.ctx != NULL, for stats */
	uint64_t		 confirm_seq;	/* power_seq of a change still to
						 * confirm; 0: none */
	uint64_t		 confirm_at_ms;	/* not before then ... */
	uint64_t		 seen_seq;	/* ... nor before a snapshot saw it */
	struct bmc_view		 view;
	enum bmc_status		 last_power;	/* last BMC_ON/BMC_OFF reading;
						 * BMC_ERROR before the first */
	enum bmc_status		 logged;	/* last status reported in logs */
	int			 logged_valid;
};

struct bmc_pool {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	atomic_int		 stop;
	unsigned		 poll_interval_ms;
	pthread_t		*workers;
	unsigned		 nworkers;
	struct bmc_host		**hosts;	/* sorted by id */
	size_t			 nhosts;
	struct ipmi_conn	*closing;	/* sessions of dropped hosts */
	size_t			 nclosing;
	atomic_int		 reuse;		/* keep sessions (default 1) */
	int			 wake_fd;	/* eventfd, see bmc_pool_wake_fd */
	struct bmc_pool_stats	 st;
};

void	 bmc_host_free(struct bmc_host *);
void	 bmc_copy_str(char *dst, size_t len, const char *src);
void	*bmc_worker_main(void *pool);	/* pthread start routine */

#endif
