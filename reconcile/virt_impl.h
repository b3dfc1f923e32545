/*
 * virt_impl.h -- private to reconcile/virt*.c: the connection and the job
 * that carries one libvirt interaction to a worker thread.
 *
 * virt.c owns the mechanism (threads, deadlines, refcounts); virt_ops.c
 * owns what runs inside a worker (every libvirt call on a connection).
 * Calls go one way only: virt.c -> virt_ops.c (and both -> names.c); what
 * a worker needs back from the mechanism (is my caller still waiting?) is
 * here, reading the job under the mutex virt.c gave it.
 * Ownership rule: vc->conn is touched only by the job that set vc->busy.
 */
#ifndef HAWATCH_VIRT_IMPL_H
#define HAWATCH_VIRT_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <libvirt/libvirt.h>

#include "util.h"
#include "virt_types.h"

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
	VJK_HOST_UUID,		/* the host's SMBIOS UUID (sysinfo, caps) */
};

struct vjob {
	enum vjob_kind		 kind;
	struct virt_conn	*vc;
	uint64_t		 start_ms, deadline_ms, settle_ms;
	char			 dom[VIRT_NAME_LEN];	/* uuid or name */
	atomic_int		 opening;	/* inside virConnectOpen() */
	pthread_mutex_t		*done_mu;	/* virt.c's jobs_mu */
	int			 done, abandoned;	/* under *done_mu */
	enum virt_rc		 rc;		/* VJK_OPEN */
	char			 err[ERR_LEN];
	struct virt_host_obs	 obs;		/* VJK_OBSERVE */
	struct virt_act		 act;		/* VJK_ABORT, VJK_RESUME */
	char			 host_uuid[VIRT_UUID_LEN];	/* VJK_HOST_UUID */
};

/* Has the caller given up waiting?  (A late connection is then closed.) */
static inline int
virt_job_abandoned(struct vjob *j)
{
	int	a;

	pthread_mutex_lock(j->done_mu);
	a = j->abandoned;
	pthread_mutex_unlock(j->done_mu);
	return a;
}

/* virt_ops.c */
void	virt_ops_run(struct vjob *);
void	virt_conn_drop(struct virt_conn *);

/* names.c */
const char	*virt_job_kind_name(enum vjob_kind);
const char	*virt_close_reason_name(int reason);

#endif
