/*
 * sweep_impl.h -- private to the sweeper's runner files: the struct
 * sweeper (reconcile/sweeper.c: config, per-host libvirt connections, the
 * core's memory) and the execute step (reconcile/sweep_exec.c), both used
 * by the run (reconcile/sweep.c).  Public contract in sweep.h.
 */
#ifndef HAWATCH_SWEEP_IMPL_H
#define HAWATCH_SWEEP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "db.h"
#include "sweep_core.h"
#include "virt.h"

struct sweep_host_in;
struct sweep_run_opts;
struct sweep_run_report;
struct sweep_dom_report;

struct sw_conn {
	uint32_t		 host_id;
	char			 uri[VIRT_URI_LEN];
	struct virt_conn	*vc;
	int			 up;	/* last observation answered */
};

struct sweeper {
	struct sweep_config	 cfg;		/* optout strings owned */
	struct sweep_policy	 pol;
	struct sw_conn		*conns;
	size_t			 nconns, capconns;
	struct sweep_track	*tracks;	/* the core's memory */
	struct sweep_state	 st;
	struct sweep_actions	 acts;
};

/* sweeper.c: the host's connection for uri, kept, replaced when the URI
 * changed; the host's connection or NULL; forget hosts that left the
 * inventory (connection and memory). */
struct sw_conn	*sweeper_conn_get(struct sweeper *, uint32_t host_id,
		    const char *uri);
struct sw_conn	*sweeper_conn_find(struct sweeper *, uint32_t host_id);
void		 sweeper_prune(struct sweeper *, const struct sweep_host_in *,
		    size_t n);

/* sweep_exec.c: run the ABORT_JOB / RESUME records (one thread per host);
 * then, per record on the caller's thread, report to the core, log, audit. */
void		 sweep_exec_run(struct sweeper *, struct sweep_run_report *);
void		 sweep_exec_outcome(struct sweeper *, struct db *,
		    const struct sweep_run_opts *, struct sweep_run_report *,
		    struct sweep_dom_report *);

#endif
