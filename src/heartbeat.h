/*
 * heartbeat.h -- read CloudStack KVM heartbeat files from storage pools.
 *
 * The CloudStack agent on each KVM host writes the Unix epoch seconds
 * into <pool>/KVMHA/hb-<host private ip> every 60 s.  This adapter reads
 * those files for every (pool, host) pair once per tick and hands the
 * decision core plain observations: what the file said, its mtime, or why
 * it could not be read.  It never decides whether a host is alive.
 *
 * A pool is either an NFS URL read with libnfs in user space (never a
 * kernel mount), e.g.
 *     nfs://10.0.0.5/export/primary?version=4&nfsport=2049
 * or an absolute local directory (a pool this management node mounts
 * itself; also what the tests use).  Both go through one backend vtable
 * with the same semantics:
 *
 *   HB_OK       stat and read both succeeded and the content parsed
 *   HB_GARBAGE  read succeeded, content is not a valid epoch (err says why)
 *   HB_MISSING  the file does not exist (ENOENT)
 *   HB_UNKNOWN  anything else: I/O error, RPC timeout, deadline, dead or
 *               hung server, busy pool.  Never "stale": the core must not
 *               read UNKNOWN as "the host stopped writing".
 *
 * Over NFS the content is re-read only when this call's stat differs
 * (inode, size, mtime or ctime) from the stat behind the content read
 * last; otherwise that content is reused.  So HB_OK always rests on a
 * stat that succeeded in this call and a read that succeeded for exactly
 * that file state.  opts.always_read turns the reuse off.
 *
 * hb_read_all() reads all pools concurrently from one thread (a poll()
 * loop over every NFS context, plus one worker thread per local pool,
 * see hb_local.c) and always returns by its deadline; anything unfinished
 * then is HB_UNKNOWN "deadline".  A local pool whose read is stuck in the
 * kernel stays "busy" (UNKNOWN, pst.busy) until that read returns.
 *
 * Returns: 0 / -1 (hb_pool_open fills err of ERR_LEN, util.h).
 * Threads: a pool is used by one thread at a time.
 */
#ifndef HAWATCH_HEARTBEAT_H
#define HAWATCH_HEARTBEAT_H

#include <stddef.h>
#include <stdint.h>

#include "hb_status.h"

#define HB_ERR_LEN	128	/* reasons in results and pool status */
#define HB_CONTENT_MAX	32	/* bytes: 20 digits + trailing whitespace */
#define HB_IP_MAX	45	/* chars of the longest IPv6 text form */

struct hb_result {
	enum hb_status	status;
	uint64_t	value;		/* epoch seconds if HB_OK, else 0 */
	int64_t		mtime_ms;	/* OK/GARBAGE: file mtime; else 0 */
	char		err[HB_ERR_LEN];	/* why, if not HB_OK */
};

struct hb_pool_status {
	int		readable;	/* some read answered (not UNKNOWN) */
	int		busy;		/* local: an earlier read still stuck */
	uint32_t	n_ok, n_garbage, n_missing, n_unknown;
	uint64_t	elapsed_ms;	/* call start to this pool's end */
	char		err[HB_ERR_LEN]; /* pool error or first UNKNOWN */
};

/* Defaults (hb_opts_default) and their reasons: heartbeat.c. */
struct hb_opts {
	uint32_t	rpc_timeout_ms;	/* libnfs per-RPC timeout, whole s */
	uint32_t	mount_timeout_ms; /* abandon an unfinished mount */
	uint32_t	max_inflight;	/* RPCs in flight per NFS context */
	int		tcp_syncnt;	/* SYN retries of a connect; URL wins */
	int		always_read;	/* 1: read content on every call */
	uint32_t	dirscan_min;	/* NFS: list KVMHA/ for >= this many
					 * hosts; 0 = never (hb_nfs_job.c) */
	int		dirscan_v4;	/* 1: list over NFSv4 too */
};

struct hb_pool;

void		 hb_opts_default(struct hb_opts *);

/* Parse only: no I/O.  spec is "nfs://..." or an absolute directory. */
struct hb_pool	*hb_pool_open(const char *spec, const struct hb_opts *,
		    char *err);
void		 hb_pool_close(struct hb_pool *);
const char	*hb_pool_spec(const struct hb_pool *);
const char	*hb_pool_kind(const struct hb_pool *);	/* "nfs" / "local" */

/*
 * Read <pool>/KVMHA/hb-<ip> for every pool and ip.  out has npools * nips
 * rows, row-major by pool (out[p * nips + i]); pst has npools entries (may
 * be NULL).  Returns 0 once every row is filled, by the deadline; -1 (and
 * errno EINVAL) only for bad arguments, with nothing filled.
 */
int	hb_read_all(struct hb_pool **pools, size_t npools,
	    const char *const *ips, size_t nips, uint64_t deadline_ms_from_now,
	    struct hb_result *out, struct hb_pool_status *pst);

/*
 * Which hosts one pool reads: CloudStack's storage_pool_host_ref, the
 * hosts attached to (and so writing their heartbeat on) that pool.
 * idx[k] indexes the ips of the call; n may be 0 (nothing read there).
 */
struct hb_pool_hosts {
	const uint32_t	*idx;
	size_t		 n;
};

/*
 * As hb_read_all, but pool p reads only ips[sel[p].idx[0..n-1]].  out is
 * compact: pool p's rows follow those of pools 0..p-1, so row k of pool p
 * is out[sel[0].n + ... + sel[p-1].n + k], for ips[sel[p].idx[k]].  sel
 * NULL: every pool reads every ip, exactly as hb_read_all.  -1 (EINVAL)
 * also for an idx >= nips.  A pool with n 0 reads nothing (readable 0).
 */
int	hb_read_hosts(struct hb_pool **pools, size_t npools,
	    const char *const *ips, size_t nips,
	    const struct hb_pool_hosts *sel, uint64_t deadline_ms_from_now,
	    struct hb_result *out, struct hb_pool_status *pst);

/* hb_parse.c: content -> HB_OK (value set) or HB_GARBAGE (why set). */
enum hb_status	hb_parse(const void *buf, size_t len, uint64_t *value,
		    char *why /* HB_ERR_LEN */);
/* Escape bytes for a log-safe reason (\n, \xNN, \"); returns strlen(dst). */
size_t		hb_escape(char *dst, size_t dstlen, const void *src, size_t n);

/* "symlink", "directory", "fifo", ... for a reason; from a st_mode */
const char	*hb_file_kind(unsigned mode);

/* 1 if ip is a plausible IPv4/IPv6 text (safe as a file name part). */
int		hb_ip_valid(const char *ip);

/*
 * ---- Backend interface: for heartbeat.c, hb_nfs.c and hb_local.c only ----
 *
 * heartbeat.c pre-fills every row of a call with HB_UNKNOWN "deadline",
 * calls start(), then loops: pollfd() / poll() / service() until every
 * pool reports done or the deadline passes, then finish().  A backend
 * writes rows only between start() and finish().
 */
struct pollfd;

#define HB_QUOTE_LEN	600	/* log_quote() buffer for a spec or reason */

struct hb_call {
	const char *const	*ips;
	size_t			 nips;
	struct hb_result	*out;		/* this pool's nips rows */
	uint64_t		 deadline;	/* absolute, clock_mono_ms() */
	int			 done;		/* set by the backend */
	int			 busy;		/* set by the backend */
	char			 err[HB_ERR_LEN];	/* pool-level error */
};

struct hb_backend_ops {
	const char	*kind;
	int	(*open)(struct hb_pool *, char *err);	/* no I/O */
	void	(*close)(struct hb_pool *);
	void	(*start)(struct hb_pool *, struct hb_call *, uint64_t now);
	/* fd to poll (return 1) or none (return 0) */
	int	(*pollfd)(struct hb_pool *, struct pollfd *);
	/* progress; revents 0 on poll timeout (libnfs runs RPC timeouts) */
	void	(*service)(struct hb_pool *, int revents, uint64_t now);
	void	(*finish)(struct hb_pool *, uint64_t now);
};

/* What a stat said about a file; equal keys mean "content unchanged". */
struct hb_statkey {
	uint64_t	ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns;
};

struct hb_cache_ent {		/* last content read for one IP of a pool */
	char			ip[HB_IP_MAX + 1];
	uint8_t			used, valid;
	enum hb_status		status;	/* HB_OK or HB_GARBAGE */
	uint64_t		value;
	struct hb_statkey	key;
	char			err[HB_ERR_LEN];
};

struct hb_pool {
	const struct hb_backend_ops	*ops;
	char				*spec;
	struct hb_opts			 opts;
	void				*be;	/* backend state */
	struct hb_call			*call;	/* set inside hb_read_all */
	struct hb_cache_ent		*cache;	/* open addressing by IP */
	size_t				 cache_cap, cache_used;
};

extern const struct hb_backend_ops hb_nfs_ops;
extern const struct hb_backend_ops hb_local_ops;

/* heartbeat.c helpers for backends */
void	hb_set(struct hb_result *, enum hb_status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Cache slot of ip, inserted if new.  Growing moves entries: reserve
 * room for all of a call's IPs first, then the slots stay put. */
void		hb_cache_reserve(struct hb_pool *, size_t more);
uint32_t	hb_cache_get(struct hb_pool *, const char *ip);
/* Slot of ip if cached (no insert), else UINT32_MAX. */
uint32_t	hb_cache_find(const struct hb_pool *, const char *ip);

#endif
