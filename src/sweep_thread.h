/*
 * sweep_thread.h -- the daemon's sweeper thread (see sweep_thread.c).
 */
#ifndef HAWATCH_SWEEP_THREAD_H
#define HAWATCH_SWEEP_THREAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "metrics.h"
#include "sweep.h"

struct sweep_summary {
	uint64_t	runs;
	uint64_t	last_run_wall_ms;
	uint64_t	elapsed_ms;
	unsigned	paused, actions, executed, failed, host_errors;
	unsigned	stale_backups;
	struct metrics_sweep_counters counts;	/* since start */
};

struct sweep_thread {
	pthread_t		 th;
	int			 started;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 stop;
	/* published by the tick, under mu */
	struct sweep_host_in	*hosts;
	size_t			 nhosts, cap;
	int			 is_leader;
	uint64_t		 leader_gen;	/* fencing token, 0: none */
	struct sweep_config	 cfg;		/* deep copy */
	int			 cfg_changed;
	struct db_config	 dbcfg;
	char			 actor[300];
	char			 lock[128];
	struct sweep_summary	 sum;
};

int	sweep_thread_start(struct sweep_thread *, const struct config *,
	    const char *actor, const char *lock, char *err);
void	sweep_thread_publish(struct sweep_thread *, const struct sweep_host_in *,
	    size_t n, int is_leader, uint64_t leader_gen);
void	sweep_thread_reconfig(struct sweep_thread *, const struct config *);
void	sweep_thread_summary(struct sweep_thread *, struct sweep_summary *);
void	sweep_thread_stop(struct sweep_thread *);

#endif
