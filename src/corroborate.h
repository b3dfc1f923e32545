/*
 * corroborate.h -- observations that check a BMC against its host, never
 * on the tick thread:
 *   probe     does the host's libvirt answer within corroborate_timeout?
 *             Started by observe.c only for hosts whose BMC reads off; a
 *             powered-off host cannot answer (guard_bmc.c decides).
 *   identity  the BMC's System GUID (IPMI) against the host's SMBIOS UUID
 *             (libvirt), re-checked every IDENTITY_RECHECK_MS.
 * Each job runs in its own detached thread bounded by its deadlines; the
 * tick only starts jobs (at most one of each kind per host at a time)
 * and copies results.  Decides nothing.
 */
#ifndef HAWATCH_CORROBORATE_H
#define HAWATCH_CORROBORATE_H

#include <stdint.h>

#include "core_types.h"
#include "ipmi.h"

struct corroborate;

struct corr_view {
	enum probe_obs	  probe;	/* PROBE_NONE until the first result */
	uint64_t	  probe_seq;	/* +1 per finished probe */
	uint64_t	  probe_power_seq;	/* the BMC power_seq it began at */
	uint64_t	  probe_done_ms;
	enum bmc_identity identity;	/* last definite comparison */
	uint64_t	  identity_ms;	/* when it was made (0: never tried) */
	char		  bmc_guid[40], host_uuid[40];
};

struct corroborate *corroborate_new(void);
/* Drop the table; running jobs finish on their own and free it last. */
void	corroborate_free(struct corroborate *);

/* Start a probe of uri unless one runs for host; never blocks. */
void	corroborate_probe(struct corroborate *, uint32_t host, const char *uri,
	    uint64_t power_seq, uint64_t timeout_ms);
/* Start a GUID/UUID comparison unless one runs for host; copies t. */
void	corroborate_identity(struct corroborate *, uint32_t host,
	    const char *uri, const struct ipmi_target *t, uint64_t timeout_ms);
/* Forget host's identity result (its BMC target or URI changed). */
void	corroborate_forget(struct corroborate *, uint32_t host);
/* Copy host's results; a host never probed reads as PROBE_NONE. */
void	corroborate_view(struct corroborate *, uint32_t host,
	    struct corr_view *out);

/* An eventfd readable when a probe's result differs from the host's
 * previous one, or answers for a newer BMC reading (the reader drains
 * it), so the daemon runs its round at once; -1 if none could be made. */
int	corroborate_wake_fd(const struct corroborate *);

#endif
