/*
 * cmd_reconcile.c -- `hawatch reconcile`: the operator's reconciler.
 *
 *   hawatch reconcile --host ID [--confirm-fenced] [--dry-run] [--json]
 *   hawatch reconcile --all [--dry-run] [--json]
 *   hawatch reconcile --release-claims [--dry-run] [--json]
 *
 * Parses and validates the command line, runs reconcile_host() per host
 * and release_dead_claims(), renders a table or one JSON document, and
 * maps the outcome to the exit codes in cli.h.  Each host is its own
 * transaction; an error on one host does not stop the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "ha_claims.h"
#include "restart_assurance.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "vm_effects.h"
#include "vm_reconcile.h"

static const char usage[] =
"usage: hawatch reconcile --host ID [--confirm-fenced] [--dry-run] [--json]\n"
"       hawatch reconcile --all [--dry-run] [--json]\n"
"       hawatch reconcile --release-claims [--dry-run] [--json]\n"
"\n"
"Marks every VM recorded Running/Starting/Stopping on a fenced host Stopped\n"
"and queues an HA restart for the HA-enabled ones, in one transaction per\n"
"host.  --confirm-fenced records that you verified the host is powered off.\n"
"--all takes the hosts hawatch counts as fenced, releases HA work held by\n"
"dead management servers, and watches the HA restarts hawatch queued: a row\n"
"CloudStack dropped is healed or re-queued (reconcile.requeue_max), then\n"
"given up with an alert.  CloudStack's side effects of the stop (usage\n"
"events, NIC release, vm_network_map, op_it_work) are written in the same\n"
"transaction; VMs CloudStack is still working on are deferred.  Exit: 0\n"
"reconciled, 3 nothing to do, 4 refused (not confirmed fenced), 5 all\n"
"skipped or deferred, 1 error, 2 usage.\n";

struct run {
	int		 json;
	int		 dry_run;
	struct sbuf	 out;		/* JSON document or table */
	int		 nhosts_json;
	unsigned	 reconciled, refused, skipped, errors, nothing;
};

static void
render_host_table(struct run *run, const struct rec_result *r)
{
	struct sbuf	*o = &run->out;
	size_t		 i;
	char		 ha[32];

	sbuf_add(o, "host %llu (%s) status=%s resource_state=%s ha_state=%s "
	    "fenced_by=%s\n", (unsigned long long)r->host_id, r->host_name,
	    r->host_status, r->resource_state,
	    r->ha_state[0] ? r->ha_state : "-", fence_source_name(r->fenced_by));
	if (r->refused) {
		sbuf_add(o, "  refused: %s\n", r->refuse_reason);
		return;
	}
	if (r->nvms == 0) {
		sbuf_add(o, "  no VM recorded Running, Starting, Stopping or "
		    "Migrating on this host: nothing to do\n");
		return;
	}
	sbuf_add(o, "  %-8s %-20s %-18s %-10s %-9s %-10s %-14s %s\n", "VM",
	    "NAME", "TYPE", "BEFORE", "AFTER", "RESULT", "NEW HA ROW",
	    "NOTE");
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];
		const char *after = v->state_after[0] ? v->state_after :
		    (v->outcome == VMO_PLAN_REQUEUE || v->outcome ==
		    VMO_PLAN_STOP) ? "Stopped" : "-";

		if (v->ha_work_id != 0)
			snprintf(ha, sizeof(ha), "#%llu Scheduled",
			    (unsigned long long)v->ha_work_id);
		else if (v->outcome == VMO_PLAN_REQUEUE)
			snprintf(ha, sizeof(ha), "(Scheduled)");
		else
			snprintf(ha, sizeof(ha), "-");
		sbuf_add(o, "  %-8llu %-20s %-18s %-10s %-9s %-10s %-14s %s",
		    (unsigned long long)v->id, v->instance_name, v->type,
		    v->state_before, after, vm_outcome_name(v->outcome), ha,
		    v->reason);
		if (v->last_ha[0] != '\0')
			sbuf_add(o, "%slast HA row %s", v->reason[0] ? "; " : "",
			    v->last_ha);
		sbuf_add(o, "\n");
		if (vm_effects_due(v))
			vm_effects_text(o, r, v, "           ", run->dry_run);
	}
	sbuf_add(o, "  side effects: usage_events=%u usage_event_details=%u "
	    "nics_released=%u vm_network_map_deleted=%u op_it_work_done=%u; "
	    "capacity and resource counts left to CloudStack's own "
	    "recalculation (every 300 s)\n", r->n_usage_events,
	    r->n_usage_details, r->n_nics_released, r->n_map_rows,
	    r->n_it_work);
	sbuf_add(o, "  summary: reconciled=%u requeued=%u migrating=%u "
	    "skipped=%u deferred=%u statements=%lu elapsed=%.1fms%s\n",
	    r->n_changed, r->n_requeued, r->n_migrating, r->n_skipped,
	    r->n_deferred, r->statements, r->elapsed_us / 1000.0,
	    run->dry_run ? " (dry run: nothing written)" : "");
}

static void
render_host_json(struct run *run, const struct rec_result *r,
    const char *error)
{
	struct sbuf	*o = &run->out;
	size_t		 i;

	sbuf_add(o, "%s{\"host_id\":%llu", run->nhosts_json++ ? "," : "",
	    (unsigned long long)r->host_id);
	if (error != NULL) {
		sbuf_add(o, ",\"error\":");
		sbuf_json_str(o, error);
		sbuf_add(o, "}");
		return;
	}
	sbuf_add(o, ",\"name\":");
	sbuf_json_str(o, r->host_name);
	sbuf_add(o, ",\"status\":");
	sbuf_json_str(o, r->host_status);
	sbuf_add(o, ",\"resource_state\":");
	sbuf_json_str(o, r->resource_state);
	sbuf_add(o, ",\"ha_state\":");
	sbuf_json_str(o, r->ha_state[0] ? r->ha_state : NULL);
	sbuf_add(o, ",\"fenced_by\":");
	sbuf_json_str(o, fence_source_name(r->fenced_by));
	sbuf_add(o, ",\"refused\":%s", r->refused ? "true" : "false");
	if (r->refused) {
		sbuf_add(o, ",\"refuse_reason\":");
		sbuf_json_str(o, r->refuse_reason);
	}
	sbuf_add(o, ",\"summary\":{\"reconciled\":%u,\"requeued\":%u,"
	    "\"migrating\":%u,\"skipped\":%u,\"deferred\":%u,"
	    "\"usage_events\":%u,\"usage_event_details\":%u,"
	    "\"nics_released\":%u,\"vm_network_map_deleted\":%u,"
	    "\"op_it_work_done\":%u,\"statements\":%lu,"
	    "\"elapsed_ms\":%.3f},\"vms\":[", r->n_changed, r->n_requeued,
	    r->n_migrating, r->n_skipped, r->n_deferred, r->n_usage_events,
	    r->n_usage_details, r->n_nics_released, r->n_map_rows,
	    r->n_it_work, r->statements, r->elapsed_us / 1000.0);
	for (i = 0; i < r->nvms; i++) {
		const struct rec_vm *v = &r->vms[i];

		sbuf_add(o, "%s{\"id\":%llu,\"instance_name\":", i ? "," : "",
		    (unsigned long long)v->id);
		sbuf_json_str(o, v->instance_name);
		sbuf_add(o, ",\"type\":");
		sbuf_json_str(o, v->type);
		sbuf_add(o, ",\"state_before\":");
		sbuf_json_str(o, v->state_before);
		sbuf_add(o, ",\"state_after\":");
		sbuf_json_str(o, v->state_after[0] ? v->state_after : NULL);
		sbuf_add(o, ",\"update_count_before\":%llu,\"ha_enabled\":%s,"
		    "\"result\":", (unsigned long long)v->update_count_before,
		    v->ha_enabled ? "true" : "false");
		sbuf_json_str(o, vm_outcome_name(v->outcome));
		if (v->ha_work_id)
			sbuf_add(o, ",\"ha_work_id\":%llu",
			    (unsigned long long)v->ha_work_id);
		sbuf_add(o, ",\"last_ha\":");
		sbuf_json_str(o, v->last_ha[0] ? v->last_ha : NULL);
		sbuf_add(o, ",\"reason\":");
		sbuf_json_str(o, v->reason[0] ? v->reason : NULL);
		if (vm_effects_due(v)) {
			sbuf_add(o, ",\"side_effects\":");
			vm_effects_json(o, r, v);
		}
		sbuf_add(o, "}");
	}
	sbuf_add(o, "]}");
}

static void
do_host(struct run *run, struct db *db, uint64_t id, enum fence_source confirm,
    const struct cli *c)
{
	struct rec_result	 r;
	struct rec_opts		 o;
	char			 err[ERR_LEN], ev[128];

	memset(&o, 0, sizeof(o));
	o.dry_run = run->dry_run;
	o.confirm = confirm;
	snprintf(ev, sizeof(ev), "{\"confirmed_by\":\"operator\",\"via\":"
	    "\"reconcile --confirm-fenced\"}");
	o.confirm_evidence = ev;
	o.actor = c->actor;
	o.command = "reconcile";
	o.now_wall_ms = clock_wall_ms();
	o.cloudstack_grace_ms = c->cfg.reconcile.cloudstack_grace_ms;
	o.ms_dead_after_ms = c->cfg.db.ms_dead_after_ms;
	if (reconcile_host(db, id, &o, &r, err) == -1) {
		run->errors++;
		log_err("reconcile.error", "host=%llu error=\"%s\"",
		    (unsigned long long)id, err);
		if (run->json) {
			r.host_id = id;
			render_host_json(run, &r, err);
		} else
			sbuf_add(&run->out, "host %llu: error: %s\n",
			    (unsigned long long)id, err);
		return;
	}
	if (r.refused)
		run->refused++;
	else if (r.n_changed > 0 || (run->dry_run && r.nvms > r.n_migrating))
		run->reconciled++;
	else if (r.n_skipped > 0 || r.n_deferred > 0)
		run->skipped++;
	else
		run->nothing++;
	if (!run->dry_run && r.n_changed > 0)
		log_info("reconcile.done", "host=%llu reconciled=%u requeued=%u "
		    "migrating=%u skipped=%u", (unsigned long long)id,
		    r.n_changed, r.n_requeued, r.n_migrating, r.n_skipped);
	if (run->json)
		render_host_json(run, &r, NULL);
	else
		render_host_table(run, &r);
	rec_result_free(&r);
}

static void
do_claims(struct run *run, struct db *db, const struct cli *c)
{
	struct claim_result	r;
	struct claim_opts	o;
	char			err[ERR_LEN];
	size_t			i;

	memset(&o, 0, sizeof(o));
	o.dry_run = run->dry_run;
	o.ms_dead_after_ms = c->cfg.db.ms_dead_after_ms;
	o.actor = c->actor;
	o.command = "reconcile";
	if (release_dead_claims(db, &o, &r, err) == -1) {
		run->errors++;
		if (run->json) {
			sbuf_add(&run->out, "],\"claims_error\":");
			sbuf_json_str(&run->out, err);
			sbuf_add(&run->out, ",\"claims\":[");
		} else
			sbuf_add(&run->out, "claims: error: %s\n", err);
		return;
	}
	if (r.n_released > 0 || (run->dry_run && r.n > 0))
		run->reconciled++;
	else if (r.n_skipped > 0)
		run->skipped++;
	else
		run->nothing++;
	if (run->json) {
		for (i = 0; i < r.n; i++) {
			sbuf_add(&run->out, "%s{\"work_id\":%llu,\"instance_id\":"
			    "%llu,\"msid\":%llu,\"step\":", i ? "," : "",
			    (unsigned long long)r.v[i].work_id,
			    (unsigned long long)r.v[i].instance_id,
			    (unsigned long long)r.v[i].msid);
			sbuf_json_str(&run->out, r.v[i].step);
			sbuf_add(&run->out, ",\"ms_last_update\":");
			sbuf_json_str(&run->out, r.v[i].ms_last_update);
			sbuf_add(&run->out, ",\"released\":%s,\"reason\":",
			    r.v[i].released ? "true" : "false");
			sbuf_json_str(&run->out, r.v[i].reason[0] ?
			    r.v[i].reason : NULL);
			sbuf_add(&run->out, "}");
		}
	} else if (r.n == 0) {
		sbuf_add(&run->out, "claims: no HA work held by a dead "
		    "management server\n");
	} else {
		sbuf_add(&run->out, "claims held by dead management servers:\n"
		    "  %-8s %-8s %-16s %-13s %-20s %s\n", "WORK", "VM", "MSID",
		    "STEP", "MS LAST UPDATE", "RESULT");
		for (i = 0; i < r.n; i++)
			sbuf_add(&run->out, "  %-8llu %-8llu %-16llu %-13s "
			    "%-20s %s\n", (unsigned long long)r.v[i].work_id,
			    (unsigned long long)r.v[i].instance_id,
			    (unsigned long long)r.v[i].msid, r.v[i].step,
			    r.v[i].ms_last_update, r.v[i].released ?
			    "released" : run->dry_run ? "would release" :
			    r.v[i].reason);
	}
	if (!run->dry_run && r.n_released > 0)
		log_info("reconcile.claims_released", "count=%u",
		    r.n_released);
	claim_result_free(&r);
}

static void
render_restarts_json(struct run *run, const struct ra_result *r)
{
	struct sbuf	*o = &run->out;
	size_t		 i;

	sbuf_add(o, ",\"restarts\":{\"watching\":%u,\"healed\":%u,"
	    "\"requeued\":%u,\"given_up\":%u,\"resolved\":%u,\"force_ha\":%s,"
	    "\"vms\":[", r->n_watching, r->n_healed, r->n_requeued,
	    r->n_given_up, r->n_resolved, r->force_ha ? "true" : "false");
	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];

		sbuf_add(o, "%s{\"vm_id\":%llu,\"instance_name\":", i ? "," : "",
		    (unsigned long long)v->vm_id);
		sbuf_json_str(o, v->instance_name);
		sbuf_add(o, ",\"host_id\":%llu,\"ha_work_id\":%llu,"
		    "\"new_ha_work_id\":%llu,\"requeues\":%u,\"heals\":%u,"
		    "\"state\":", (unsigned long long)v->host_id,
		    (unsigned long long)v->ha_work_id,
		    (unsigned long long)v->new_ha_work_id, v->requeues,
		    v->heals);
		sbuf_json_str(o, v->vm_present ? v->vm_state : NULL);
		sbuf_add(o, ",\"row_step\":");
		sbuf_json_str(o, v->row_present ? v->row_step : NULL);
		sbuf_add(o, ",\"verdict\":\"%s\",\"status\":\"%s\","
		    "\"given_up\":%s,\"written\":%s,\"reason\":",
		    restart_verdict_name(v->verdict),
		    restart_verdict_status(v->verdict),
		    restart_verdict_alerts(v->verdict) ? "true" : "false",
		    v->written ? "true" : "false");
		sbuf_json_str(o, v->reason);
		sbuf_add(o, "}");
	}
	sbuf_add(o, "]}");
}

static void
render_restarts_table(struct run *run, const struct ra_result *r)
{
	struct sbuf	*o = &run->out;
	size_t		 i;

	if (r->n == 0) {
		sbuf_add(o, "restarts: no HA restart queued by hawatch is "
		    "being watched\n");
		return;
	}
	sbuf_add(o, "restarts queued by hawatch (watched until the VM runs):\n"
	    "  %-8s %-20s %-6s %-9s %-8s %-13s %s\n", "VM", "NAME", "HOST",
	    "STATE", "REQUEUES", "RESULT", "NOTE");
	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];
		char res[32];

		snprintf(res, sizeof(res), "%s%s", restart_verdict_name(
		    v->verdict), restart_verdict_writes(v->verdict) &&
		    !v->written ? "?" : "");
		sbuf_add(o, "  %-8llu %-20s %-6llu %-9s %-8u %-13s %s%s\n",
		    (unsigned long long)v->vm_id, v->instance_name,
		    (unsigned long long)v->host_id,
		    v->vm_present ? v->vm_state : "-", v->requeues, res,
		    restart_verdict_alerts(v->verdict) ? "GIVEN UP: " : "",
		    v->reason);
	}
	sbuf_add(o, "  summary: watching=%u healed=%u requeued=%u given_up=%u "
	    "resolved=%u%s\n", r->n_watching, r->n_healed, r->n_requeued,
	    r->n_given_up, r->n_resolved,
	    run->dry_run ? " (dry run: nothing written)" : "");
}

static void
do_restarts(struct run *run, struct db *db, const struct cli *c)
{
	struct ra_result	r;
	struct ra_opts		o;
	char			err[ERR_LEN];

	memset(&o, 0, sizeof(o));
	o.dry_run = run->dry_run;
	o.requeue_max = c->cfg.reconcile.requeue_max;
	o.requeue_after_ms = c->cfg.reconcile.requeue_after_ms;
	o.actor = c->actor;
	o.command = "reconcile";
	o.now_wall_ms = clock_wall_ms();
	if (restart_assure(db, &o, &r, err) == -1) {
		run->errors++;
		log_err("reconcile.restarts_error", "error=\"%s\"", err);
		if (run->json) {
			sbuf_add(&run->out, ",\"restarts_error\":");
			sbuf_json_str(&run->out, err);
		} else
			sbuf_add(&run->out, "restarts: error: %s\n", err);
		return;
	}
	if (r.n_healed + r.n_requeued > 0)
		run->reconciled++;
	if (!run->dry_run && r.n_healed + r.n_requeued > 0)
		log_info("reconcile.restarts", "healed=%u requeued=%u "
		    "given_up=%u", r.n_healed, r.n_requeued, r.n_given_up);
	if (run->json)
		render_restarts_json(run, &r);
	else
		render_restarts_table(run, &r);
	ra_result_free(&r);
}

static int
exit_code(const struct run *run)
{
	if (run->errors > 0)
		return EXIT_ERROR;
	if (run->reconciled > 0)
		return EXIT_OK;
	if (run->refused > 0)
		return EXIT_REFUSED;
	if (run->skipped > 0)
		return EXIT_SKIPPED;
	return EXIT_NOTHING;
}

static const char *
exit_name(int code)
{
	switch (code) {
	case EXIT_OK:
		return "reconciled";
	case EXIT_ERROR:
		return "error";
	case EXIT_NOTHING:
		return "nothing-to-do";
	case EXIT_REFUSED:
		return "refused";
	case EXIT_SKIPPED:
		return "skipped";
	}
	return "invalid";
}

/*
 * --all: every host hawatch counts as fenced; hosts CloudStack marks
 * Fenced that nobody confirmed are listed in *unconf (caller frees).
 * -1 when the database cannot list them (printed).
 */
static int
do_all(struct run *run, struct db *db, struct cli *c, uint64_t **unconf,
    size_t *nunconf)
{
	uint64_t	*ids = NULL;
	size_t		 nids = 0, i;
	char		 err[ERR_LEN];

	if (reconcile_fenced_hosts(db, &ids, &nids, err) == -1 ||
	    reconcile_unconfirmed_fenced(db, unconf, nunconf, err) == -1) {
		fprintf(stderr, "hawatch: %s\n", err);
		free(ids);
		return -1;
	}
	for (i = 0; i < nids; i++)
		do_host(run, db, ids[i], FS_NONE, c);
	if (*nunconf > 0)
		run->refused++;
	if (!run->json) {
		if (nids == 0)
			sbuf_add(&run->out, "no host is confirmed fenced\n");
		for (i = 0; i < *nunconf; i++)
			sbuf_add(&run->out, "host %llu: CloudStack says Fenced "
			    "but nobody confirmed it is off: skipped; verify, "
			    "then run 'hawatch reconcile --host %llu "
			    "--confirm-fenced'\n", (unsigned long long)(*unconf)[i],
			    (unsigned long long)(*unconf)[i]);
	}
	free(ids);
	return 0;
}

int
cmd_reconcile(struct cli *c, int argc, char **argv)
{
	struct run	 run;
	struct db	 db;
	uint64_t	 host = 0, *unconfirmed = NULL;
	size_t		 nunconf = 0, i;
	int		 all = 0, confirm = 0, claims = 0, rc;
	const struct cli_opt opts[] = {
		{ "host", 0, CLI_ID, &host, "ID" },
		{ "all", 0, CLI_FLAG, &all, NULL },
		{ "confirm-fenced", 0, CLI_FLAG, &confirm, NULL },
		{ "dry-run", 0, CLI_FLAG, &run.dry_run, NULL },
		{ "json", 0, CLI_FLAG, &run.json, NULL },
		{ "release-claims", 0, CLI_FLAG, &claims, NULL },
	};

	memset(&run, 0, sizeof(run));
	if ((rc = cli_opts("reconcile", usage, opts, NELEM(opts), argc, argv,
	    1, NULL)) != CLI_GO_ON)
		return rc;
	if ((host != 0) + all + claims != 1) {
		cli_usage_error("reconcile", "give exactly one of --host ID, "
		    "--all, --release-claims");
		return EXIT_USAGE;
	}
	if (confirm && host == 0) {
		cli_usage_error("reconcile", "--confirm-fenced needs --host ID: "
		    "confirm one host at a time");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	/* hawatch's schema is created only right before a first write */
	if (cli_db_open(c, &db, -1) == -1)
		return EXIT_ERROR;

	sbuf_init(&run.out);
	if (run.json)
		sbuf_add(&run.out, "{\"dry_run\":%s,\"hosts\":[",
		    run.dry_run ? "true" : "false");
	if (host != 0)
		do_host(&run, &db, host, confirm ? FS_OPERATOR : FS_NONE, c);
	if (all && do_all(&run, &db, c, &unconfirmed, &nunconf) == -1) {
		sbuf_free(&run.out);
		db_close(&db);
		return EXIT_ERROR;
	}
	if (run.json) {
		sbuf_add(&run.out, "],\"needs_confirmation\":[");
		for (i = 0; i < nunconf; i++)
			sbuf_add(&run.out, "%s%llu", i ? "," : "",
			    (unsigned long long)unconfirmed[i]);
		sbuf_add(&run.out, "],\"claims\":[");
	}
	if (all || claims)
		do_claims(&run, &db, c);
	if (run.json)
		sbuf_add(&run.out, "]");
	if (all)
		do_restarts(&run, &db, c);
	rc = exit_code(&run);
	if (run.json)
		sbuf_add(&run.out, ",\"result\":\"%s\",\"exit_code\":%d}\n",
		    exit_name(rc), rc);
	fputs(run.out.s, stdout);
	sbuf_free(&run.out);
	free(unconfirmed);
	db_close(&db);
	return rc;
}
