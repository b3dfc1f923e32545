/*
 * leaderprobe.c -- integration probe: one write transaction of the
 * daemon's sweeper thread (reconcile/sweep_audit.c), made on a fresh
 * connection under a given leader generation (fencing token), the way the
 * sweeper thread writes after reconnecting.  Driven by
 * tests/integration/t_daemon_leader_generation.sh.
 *
 *   leaderprobe CONFIG GENERATION
 *
 * Writes one audit row (action "probe.sweep_write") if and only if
 * hawatch's leader row still carries GENERATION.
 * Exit: 0 written, 1 refused or failed (the error on stderr), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "db.h"
#include "hw_schema.h"
#include "sweep.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct sweep_run_opts	o;
	struct audit_row	a;
	struct config		cfg;
	struct db		db;
	char			err[ERR_LEN];
	uint64_t		gen, id = 0;
	int			rc;

	if (argc != 3 || parse_u64(argv[2], &gen) == -1 || gen == 0) {
		fprintf(stderr, "usage: leaderprobe CONFIG GENERATION\n");
		return 2;
	}
	if (config_load(&cfg, argv[1], err) == -1) {
		fprintf(stderr, "leaderprobe: %s\n", err);
		return 2;
	}
	if (db_connect(&db, &cfg.db, err) == -1) {
		fprintf(stderr, "leaderprobe: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	memset(&o, 0, sizeof(o));
	o.is_leader = 1;
	o.actor = "leaderprobe";
	o.command = "run";
	o.leader_lock = "unused: the generation is checked instead";
	o.leader_gen = gen;
	memset(&a, 0, sizeof(a));
	a.action = "probe.sweep_write";
	a.reason = "leaderprobe";
	a.evidence = "{}";
	rc = sweep_facts_audit(&db, &o, &a, &id, err);
	if (rc == -1)
		fprintf(stderr, "leaderprobe: refused: %s\n", err);
	else
		printf("written audit=%llu\n", (unsigned long long)id);
	db_close(&db);
	config_free(&cfg);
	return rc == -1 ? 1 : 0;
}
