/*
 * ms.c -- the HA-worker fixture's management-server life: the mshost row
 * and its heartbeat (6), and configure()/start()/stop() (3.3) with their
 * claim release and Investigating marks.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

uint64_t		runid;

/* --- mshost heartbeat (6) --------------------------------------------- */

static int
ms_register(struct db *db, char *err)
{
	runid = clock_wall_ms();	/* a new runid on every start */
	if (haw_exec(db, "register mshost", NULL, err, "INSERT INTO mshost "
	    "(msid, runid, name, uuid, state, version, service_ip, "
	    "service_port, last_update, removed, alert_count) VALUES (%llu, "
	    "%llu, 'haworker-%llu', UUID(), 'Up', '4.22.0.0-haworker', "
	    "'127.0.0.1', 9090, UTC_TIMESTAMP(), NULL, 0) ON DUPLICATE KEY "
	    "UPDATE runid = VALUES(runid), state = 'Up', last_update = "
	    "VALUES(last_update), removed = NULL, alert_count = 0",
	    (unsigned long long)opt.msid, (unsigned long long)runid,
	    (unsigned long long)opt.msid) == -1)
		return -1;
	log_info("ms.up", "msid=%llu runid=%llu", (unsigned long long)opt.msid,
	    (unsigned long long)runid);
	return 0;
}

void *
heartbeat_main(void *arg)
{
	unsigned long long	 n;
	struct db		 db;
	char			 err[ERR_LEN];
	int			 up = 0, failing = 0;

	(void)arg;
	mysql_thread_init();
	memset(&db, 0, sizeof(db));
	while (!haw_wait(opt.heartbeat_ms)) {
		if (!up && haw_connect(&db, err) == 0)
			up = 1;
		if (up && haw_exec(&db, "heartbeat", &n, err, "UPDATE mshost "
		    "SET last_update = UTC_TIMESTAMP(), removed = NULL, "
		    "alert_count = 0, state = 'Up' WHERE msid = %llu AND "
		    "runid = %llu", (unsigned long long)opt.msid,
		    (unsigned long long)runid) == 0) {
			if (n == 0) {
				log_err("ms.session_lost", "msid=%llu "
				    "runid=%llu reason=\"no mshost row with "
				    "this runid\"",
				    (unsigned long long)opt.msid,
				    (unsigned long long)runid);
				atomic_store(&fatal, 1);
				kill(getpid(), SIGTERM);
				break;
			}
			if (failing)
				log_info("ms.heartbeat_ok", "msid=%llu",
				    (unsigned long long)opt.msid);
			failing = 0;
			continue;
		}
		if (!failing)
			log_warn("ms.heartbeat_failed", "msid=%llu "
			    "error=\"%s\"", (unsigned long long)opt.msid, err);
		failing = 1;
		if (up)
			db_close(&db);
		up = 0;
	}
	if (up)
		db_close(&db);
	mysql_thread_end();
	return NULL;
}

/* --- lifecycle: configure(), start(), stop() (3.3) -------------------- */

static int
release_own(struct db *db, const char *when, char *err)
{
	unsigned long long	n;

	if (!opt.release_own)
		return 0;
	if (haw_exec(db, "release own claims", &n, err, "UPDATE op_ha_work "
	    "SET mgmt_server_id = NULL, taken = NULL WHERE mgmt_server_id = "
	    "%llu AND taken IS NOT NULL AND step NOT IN ('Done', 'Cancelled', "
	    "'Error')", (unsigned long long)opt.msid) == -1)
		return -1;
	log_info("ha.released", "msid=%llu rows=%llu at=%s",
	    (unsigned long long)opt.msid, n, when);
	return 0;
}

int
lifecycle_start(struct db *db, char *err)
{
	unsigned long long	n;

	if (ms_register(db, err) == -1 || release_own(db, "configure",
	    err) == -1)
		return -1;
	if (!opt.mark_investigating)
		return 0;
	if (haw_exec(db, "mark pending Investigating", &n, err, "UPDATE "
	    "op_ha_work SET step = 'Investigating' WHERE mgmt_server_id IS "
	    "NULL AND taken IS NULL AND time_to_try <= %llu AND step NOT IN "
	    "('Done', 'Cancelled')", (unsigned long long)now_ticks()) == -1)
		return -1;
	log_info("ha.marked_investigating", "rows=%llu at=start", n);
	return 0;
}

int
lifecycle_stop(struct db *db, char *err)
{
	unsigned long long	n;

	if (opt.mark_investigating) {
		if (haw_exec(db, "mark own Investigating", &n, err, "UPDATE "
		    "op_ha_work SET step = 'Investigating' WHERE "
		    "mgmt_server_id = %llu AND step NOT IN ('Done', "
		    "'Cancelled')", (unsigned long long)opt.msid) == -1)
			return -1;
		log_info("ha.marked_investigating", "rows=%llu at=stop", n);
	}
	if (release_own(db, "stop", err) == -1)
		return -1;
	if (haw_exec(db, "mshost Down", NULL, err, "UPDATE mshost SET state = "
	    "'Down', last_update = UTC_TIMESTAMP() WHERE msid = %llu AND "
	    "runid = %llu", (unsigned long long)opt.msid,
	    (unsigned long long)runid) == -1)
		return -1;
	log_info("ms.down", "msid=%llu runid=%llu",
	    (unsigned long long)opt.msid, (unsigned long long)runid);
	return 0;
}
