/*
 * trust.h -- the daemon's side of BMC trust (issue 11): what observe.c
 * adds to each host's observation (libvirt probe results, the BMC
 * identity comparison, the alerts an operator keeps or clears in
 * hawatch.alerts), and what act.c persists (alert rows).  The rule that
 * uses them is the core's: src/core/guard_bmc.c.
 */
#ifndef HAWATCH_TRUST_H
#define HAWATCH_TRUST_H

#include <stdint.h>

struct daemon;
struct host_obs;

/* After an inventory load: each host's libvirt endpoint, and the alert
 * rows read back (d->alerts_ok says whether that read worked). */
void	trust_inventory(struct daemon *);

/* Fill host i's probe/identity/alert fields of ho (its power fields are
 * set already) and start the probes and identity checks it needs. */
void	trust_observe(struct daemon *, size_t i, struct host_obs *ho,
	    uint64_t now_ms);

/* After the actions: write the alert rows the core's latches need. */
void	trust_persist(struct daemon *);

#endif
