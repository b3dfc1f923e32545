/*
 * virt_impl.h -- private to reconcile/virt*.c: the connection and the job
 * that carries one libvirt interaction to a worker thread.
 *
 * virt.c owns the mechanism (threads, deadlines, refcounts); virt_ops.c
 * owns what runs inside a worker (every libvirt call on a connection).
 * Ownership rule: vc->conn is touched only by the job that set vc->busy.
 */
#ifndef HAWATCH_VIRT_IMPL_H
#define HAWATCH_VIRT_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "util.h"
#include "virt.h"

struct virt_conn {
	pthread_mutex_t	 mu;		/* refs, busy */
	int		 refs;		/* owner + running job */
	int		 busy;		/* a job uses conn */
	uint32_t	 host_id;
	char		 uri[VIRT_URI_LEN];
	virConnectPtr	 conn;		/* touched only by the busy job */
	int		 cb_registered;
	atomic_int	 closed;	/* set by the close callback (event thread) */
	atomic_int	 close_reason;
};

enum vjob_kind {
	VJK_OPEN,
	VJK_OBSERVE,
	VJK_ABORT,
	VJK_RESUME,
};

struct vjob {
	enum vjob_kind		 kind;
	struct virt_conn	*vc;
	uint64_t		 start_ms, deadline_ms, settle_ms;
	char			 dom[VIRT_NAME_LEN];	/* uuid or name */
	atomic_int		 opening;	/* inside virConnectOpen() */
	int			 done, abandoned;	/* under virt.c's jobs_mu */
	enum virt_rc		 rc;		/* VJK_OPEN */
	char			 err[ERR_LEN];
	struct virt_host_obs	 obs;		/* VJK_OBSERVE */
	struct virt_act		 act;		/* VJK_ABORT, VJK_RESUME */
};

/* virt.c */
int	virt_job_abandoned(struct vjob *);

/* virt_ops.c */
void	virt_ops_run(struct vjob *);
void	virt_conn_drop(struct virt_conn *);

#endif
