/*
 * resolver.h -- host names resolved off the tick thread.
 *
 * getaddrinfo() can block for the resolver's full timeout x attempts (a
 * dead DNS server: 10 s and more), far past a tick and toward
 * WatchdogSec.  So the tick never calls it: it asks the resolver, which
 * answers at once from its cache, and a thread of its own does the
 * lookups.
 *
 *   - an IP literal passes straight through (nothing cached);
 *   - a name resolved before returns its address; after
 *     RESOLVE_TTL_MS it is looked up again in the background and the old
 *     address serves until the new one arrives (a failed refresh keeps
 *     it);
 *   - a name never resolved returns "pending" and is queued; a failed
 *     lookup returns its error and is retried after RESOLVE_RETRY_MS.
 *
 * One lookup at a time: a hung lookup delays the others, never the tick.
 */
#ifndef HAWATCH_RESOLVER_H
#define HAWATCH_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

struct resolver;

/* NULL (err set) if the thread cannot start */
struct resolver	*resolver_start(char *err);
/* never waits for a hung lookup (the thread then frees itself after it) */
void		 resolver_stop(struct resolver *);

/*
 * name -> numeric address in out (outlen >= 46).  1: out filled; 0:
 * pending (queued); -1: the last lookup failed (err says why, naming the
 * name).  Never blocks on the lookup itself.
 */
int	resolver_lookup(struct resolver *, const char *name, char *out,
	    size_t outlen, char *err);

/*
 * spec with an nfs:// URL's server name replaced by its address (libnfs
 * then never resolves on the tick); any other spec, an IP or a bracketed
 * server, or r NULL: spec unchanged.  Returns as resolver_lookup().
 */
int	resolver_nfs_url(struct resolver *, const char *spec, char *out,
	    size_t outlen, char *err);

/* 1 if name is an IPv4 or IPv6 literal */
int	resolver_is_literal(const char *name);

#endif
