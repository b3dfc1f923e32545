/*
 * doctor.h -- private to `hawatch doctor` (cmd_doctor.c and its doctor_*.c
 * parts): the finding counter, the one output line per finding, and the
 * checks that live in their own files.
 */
#ifndef HAWATCH_DOCTOR_H
#define HAWATCH_DOCTOR_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "inventory.h"

struct doctor {
	unsigned	nfail, nwarn;
};

enum dr_level {
	DR_OK,
	DR_WARN,
	DR_FAIL,
};

/* one line: ok|warn|FAIL  check  detail  (fix: ...) */
void	dr(struct doctor *, enum dr_level, const char *check, const char *fix,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* doctor_db.c */
void	check_privileges(struct doctor *, struct db *, const struct config *);
void	check_backup_repos(struct doctor *, struct db *);

/* doctor_hosts.c: one private IP per host, a heartbeat pool per host */
void	check_hosts(struct doctor *, const struct inventory *);

/* doctor_bmc.c; newest[i]: wall ms of host i's freshest heartbeat, 0 none */
void	check_bmcs(struct doctor *, const struct config *,
	    const struct inventory *, const uint64_t *newest);

#endif
