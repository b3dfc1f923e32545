/*
 * hb_nfs.h -- private to the libnfs heartbeat backend (hb_nfs.c, the
 * context and the backend ops; hb_nfs_job.c, the per-host jobs).  See
 * hb_nfs.c for the design.  Prefix hbn_: libnfs owns nfs_.
 */
#ifndef HB_NFS_H
#define HB_NFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>		/* struct timeval: before libnfs.h */
#include <nfsc/libnfs.h>

#include "heartbeat.h"

#define HB_NFS_PATH_LEN	(sizeof("/KVMHA/hb-") + HB_IP_MAX)

enum hbn_cstate { NS_IDLE, NS_MOUNTING, NS_MOUNTED };
enum hbn_jstate { J_WAIT, J_STAT_Q, J_STAT, J_OPEN_Q, J_OPEN, J_READ, J_DONE };

struct hbn_job {
	enum hbn_jstate		state;
	uint32_t		cache;	/* slot in pool->cache */
	struct hb_statkey	key;	/* from this call's stat */
};

struct hbn_req {
	struct hb_nfs	*b;
	struct hbn_req	*next;		/* on b->closeq */
	uint64_t	 gen;
	uint32_t	 idx;
	int		 counted;	/* close counted in b->cur_closes */
	struct nfsfh	*fh;
};

struct hbn_mreq {		/* the one mount in flight of a context */
	struct hb_nfs	*b;
};

struct hbn_ring {		/* FIFO of job indexes, capacity nips */
	uint32_t	*v;
	size_t		 head, len;
};

struct hb_nfs {
	struct hb_pool		*pool;
	struct nfs_context	*nfs;
	enum hbn_cstate		 state;
	struct hbn_mreq		*mreq;		/* mount in flight, or NULL */
	uint64_t		 gen;		/* see header comment */
	uint64_t		 mount_started;
	int			 v4, seq_busy;	/* OPEN/CLOSE in flight (v4) */
	int			 vauto;		/* URL gives no version */
	int			 vflip, vflip_tried;	/* switched this call */
	int			 mounted_once;	/* this context mounted */
	unsigned		 client_seq;	/* NFSv4 client name: pool:N */
	uint64_t		 verf_seq;	/* verifier fallback counter */
	int			 fresh;		/* context created this call */
	int			 broken, destroying, down_logged, reset;
	char			 broken_err[HB_ERR_LEN];
	uint32_t		 inflight;	/* RPCs in flight, any gen */
	uint32_t		 cur_closes;	/* this gen's closes not done */
	uint32_t		 n_answers;	/* this call: server answered */
	uint32_t		 n_hard;	/* this call: failed, no timeout */
	char			 hard_err[HB_ERR_LEN];	/* the first */
	int			 root_asked, root_pending, root_gone;
	size_t			 undecided;
	struct hb_call		*call;
	struct hbn_job		*jobs;
	size_t			 cap;		/* of jobs, statq, openq */
	struct hbn_ring		 statq, openq;
	struct hbn_req		*closeq;	/* handles waiting to close */
	uint32_t		*slot_job;	/* dirscan: cache slot -> job */
};

/* hb_nfs_job.c: the jobs' queues and RPC callbacks */
void	hbn_fail_undecided(struct hb_nfs *, const char *);
void	hbn_pump(struct hb_nfs *);
void	hbn_enqueue_waiting(struct hb_nfs *);
void	hbn_note(struct hb_nfs *, int err, const char *what, const void *msg);

#endif
