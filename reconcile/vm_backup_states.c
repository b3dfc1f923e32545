/*
 * vm_backup_states.c -- heal VMs left in a native backup provider's states
 * (BackupError, BackingUp; apache/cloudstack PR #12758): step 6 of a sweep
 * run, when `hawatch sweep --backup-states` asks for it or the daemon runs
 * with sweep.heal_backup_states = true (opt-in, default off).
 *
 * Flow: read the VMs in those states (one query), build each one's libvirt
 * view from the run's observation (paused and running domains with their
 * jobs, every host's answer), decide with bh_decide() (src/core/
 * backup_heal.h), and write the healing ones when acting:
 *   Running:  state='Running', power_state='PowerOn', update_time=now,
 *             update_count+1
 *   Stopped:  state='Stopped', host_id=NULL, last_host_id=<host_id>,
 *             power_state='PowerOff', update_time=now, update_count+1
 *             (CloudStack's Stopped fields, as reconcile writes them)
 *   both      WHERE id=? AND state=<old> AND update_count=<old> AND
 *             host_id <=> <old> (the optimistic lock), with the audit row
 *             vm.backup_state_healed in the same transaction (S9), after
 *             re-checking leadership (S4).  A lost race changes nothing.
 * At most SWEEP_HEAL_MAX_PER_RUN writes per run; the rest are reported
 * "deferred" and healed by the next runs.
 *
 * Returns: the report carries every outcome; nothing here fails the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backup_heal.h"
#include "hw_schema.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "util.h"

/* A run heals at most this many VMs: a wrong view must not rewrite a whole
 * zone in one pass, and the next run (sweep.interval) goes on. */
#define SWEEP_HEAL_MAX_PER_RUN	16
/* Rows read per run: far above what one zone leaves in these states. */
#define SWEEP_HEAL_READ_MAX	1000

static void
cpy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

static int
read_vms(struct db *db, struct sweep_run_report *r, char *err)
{
	MYSQL_RES			*res;
	MYSQL_ROW			 row;
	struct sweep_vmstate_report	*v;
	char				 sql[768], t[160];
	size_t				 cap;

	snprintf(sql, sizeof(sql), "SELECT id, uuid, instance_name, state, "
	    "host_id, update_count, TIMESTAMPDIFF(SECOND, update_time, "
	    "UTC_TIMESTAMP()) FROM %s WHERE removed IS NULL AND state IN "
	    "('BackupError', 'BackingUp') ORDER BY id LIMIT %d",
	    cs_table(db, "vm_instance", t, sizeof(t)), SWEEP_HEAL_READ_MAX);
	if ((res = db_query(db, "read VMs in backup states", sql, err)) == NULL)
		return -1;
	cap = (size_t)mysql_num_rows(res);
	r->vmstates = xcalloc(cap + 1, sizeof(*r->vmstates));
	while ((row = mysql_fetch_row(res)) != NULL) {
		v = &r->vmstates[r->nvmstates++];
		v->vm_id = row_u64(row, 0, 0);
		cpy(v->uuid, sizeof(v->uuid), row[1]);
		cpy(v->instance_name, sizeof(v->instance_name), row[2]);
		cpy(v->state, sizeof(v->state), row[3]);
		v->host_id = row_u64(row, 4, 0);
		v->update_count = row_u64(row, 5, 0);
		/* no update_time, or one in the future: age 0 (young) */
		v->state_age_s = row[6] == NULL || row[6][0] == '-' ? 0 :
		    row_u64(row, 6, 0);
	}
	mysql_free_result(res);
	return 0;
}

static int
dom_match(const struct dom_obs *o, const struct sweep_vmstate_report *v)
{
	return strcmp(o->name, v->instance_name) == 0 ||
	    (v->uuid[0] != '\0' && strcasecmp(o->uuid, v->uuid) == 0);
}

/* The VM's libvirt view from what this run observed. */
static void
view(const struct sweep_run_report *r, struct sweep_vmstate_report *v)
{
	struct bh_vm	*b = &v->view;
	size_t		 i;

	memset(b, 0, sizeof(*b));
	b->backing_up = strcmp(v->state, "BackingUp") == 0;
	b->state_age_ms = v->state_age_s * 1000;
	b->host_id = v->host_id;
	b->all_observed = r->nhosts > 0;
	for (i = 0; i < r->nhosts; i++) {
		if (!r->hosts[i].alive || !r->hosts[i].observed)
			b->all_observed = 0;
		else if (r->hosts[i].host_id == v->host_id)
			b->host_observed = 1;
	}
	for (i = 0; i < r->ndoms; i++) {
		if (!dom_match(&r->doms[i].obs, v))
			continue;
		if (r->doms[i].host_id != v->host_id) {
			b->elsewhere_host = r->doms[i].host_id;
			continue;
		}
		b->dom = BHD_PAUSED;
		b->dom_job = r->doms[i].obs.job == VJ_ACTIVE ||
		    r->doms[i].obs.job == VJ_ERROR;
	}
	for (i = 0; i < r->nrunning; i++) {
		if (!dom_match(&r->running[i], v))
			continue;
		if (r->running_host[i] != v->host_id) {
			b->elsewhere_host = r->running_host[i];
			continue;
		}
		b->dom = BHD_RUNNING;
		b->dom_job = r->running[i].job == VJ_ACTIVE ||
		    r->running[i].job == VJ_ERROR;
	}
}

/* S4: the daemon's fencing token, or the lock on this connection (the
 * same check as sweep_audit.c's, kept here to stay self-contained). */
static int
leader_ok(struct db *db, const struct sweep_run_opts *o, char *err)
{
	if (o->leader_gen != 0)
		return db_check_generation(db, o->leader_gen, err);
	if (o->leader_lock == NULL)
		return 0;
	return db_check_holds_lock(db, o->leader_lock, err);
}

static void
evidence(struct sbuf *ev, const struct sweep_vmstate_report *v,
    uint64_t timeout_ms)
{
	const struct bh_vm	*b = &v->view;

	sbuf_add(ev, "{\"vm\":{\"id\":%llu,\"uuid\":",
	    (unsigned long long)v->vm_id);
	sbuf_json_str(ev, v->uuid);
	sbuf_add(ev, ",\"instance_name\":");
	sbuf_json_str(ev, v->instance_name);
	sbuf_add(ev, ",\"state\":");
	sbuf_json_str(ev, v->state);
	sbuf_add(ev, ",\"host_id\":%llu,\"update_count\":%llu,\"state_age_s\":"
	    "%llu},\"libvirt\":{\"host_observed\":%s,\"domain\":\"%s\","
	    "\"job\":%s,\"elsewhere_host\":%u,\"all_hosts_observed\":%s},"
	    "\"backup_timeout_s\":%llu,\"verdict\":\"%s\",\"after\":",
	    (unsigned long long)v->host_id,
	    (unsigned long long)v->update_count,
	    (unsigned long long)v->state_age_s,
	    b->host_observed ? "true" : "false", bh_dom_name(b->dom),
	    b->dom_job ? "true" : "false", b->elsewhere_host,
	    b->all_observed ? "true" : "false",
	    (unsigned long long)(timeout_ms / 1000),
	    bh_verdict_name(v->verdict));
	sbuf_json_str(ev, v->after);
	sbuf_add(ev, "}");
}

/* One guarded UPDATE plus its audit row, one transaction. */
static void
heal(struct db *db, const struct sweep_run_opts *o, uint64_t timeout_ms,
    struct sweep_vmstate_report *v)
{
	unsigned long long	 affected = 0;
	struct audit_row	 a;
	struct sbuf		 sb, ev;
	char			 t[160];
	int			 stopped = v->verdict == BHV_HEAL_STOPPED;

	sbuf_init(&sb);
	sbuf_init(&ev);
	sbuf_add(&sb, "UPDATE %s SET state = '%s', ", cs_table(db,
	    "vm_instance", t, sizeof(t)), stopped ? "Stopped" : "Running");
	if (stopped)
		sbuf_add(&sb, "last_host_id = COALESCE(host_id, last_host_id), "
		    "host_id = NULL, power_state = 'PowerOff', ");
	else
		sbuf_add(&sb, "power_state = 'PowerOn', ");
	sbuf_add(&sb, "update_time = UTC_TIMESTAMP(), update_count = "
	    "update_count + 1 WHERE id = %llu AND removed IS NULL AND state = ",
	    (unsigned long long)v->vm_id);
	db_quote(db, &sb, v->state);
	sbuf_add(&sb, " AND update_count = %llu AND host_id <=> ",
	    (unsigned long long)v->update_count);
	if (v->host_id != 0)
		sbuf_add(&sb, "%llu", (unsigned long long)v->host_id);
	else
		sbuf_add(&sb, "NULL");
	evidence(&ev, v, timeout_ms);
	memset(&a, 0, sizeof(a));
	a.action = "vm.backup_state_healed";
	a.host_id = v->host_id;
	a.vm_id = v->vm_id;
	a.reason = bh_verdict_name(v->verdict);
	a.before = v->state;
	a.after = v->after;
	a.evidence = ev.s;

	v->exec = SVX_ERROR;
	if (db_begin(db, v->note) == -1)
		goto out;
	if (leader_ok(db, o, v->note) == -1 || db_exec(db, "heal backup state",
	    sb.s, &affected, v->note) == -1)
		goto fail;
	if (affected == 0) {		/* CloudStack moved it meanwhile */
		db_rollback(db);
		v->exec = SVX_RACED;
		set_err(v->note, "the row changed meanwhile: left alone");
		goto out;
	}
	sbuf_reset(&sb);
	audit_insert_begin(db, &sb);
	audit_insert_row(db, &sb, 1, o->actor, o->command, &a);
	if (db_exec(db, "write audit", sb.s, NULL, v->note) == -1)
		goto fail;
	v->audit_id = (uint64_t)mysql_insert_id(db->m);
	if (db_commit(db, v->note) == -1) {
		v->audit_id = 0;
		goto out;
	}
	v->exec = SVX_HEALED;
	goto out;
fail:
	db_rollback(db);
out:
	sbuf_free(&sb);
	sbuf_free(&ev);
}

static void
note(struct sweep_vmstate_report *v)
{
	const struct bh_vm	*b = &v->view;

	switch (v->verdict) {
	case BHV_YOUNG:
		set_err(v->note, "BackingUp for %llus (< sweep.backup_timeout): "
		    "a backup may be under way", (unsigned long long)
		    v->state_age_s);
		break;
	case BHV_UNKNOWN:
		set_err(v->note, b->host_id != 0 && !b->host_observed ?
		    "host %llu not observed: libvirt's view unknown" :
		    "no domain on host %llu, and not every host was observed: "
		    "it may run elsewhere", (unsigned long long)b->host_id);
		break;
	case BHV_JOB:
		set_err(v->note, "its domain has a job (or it is unreadable)");
		break;
	case BHV_ELSEWHERE:
		set_err(v->note, "its domain runs on host %u, not on host %llu",
		    b->elsewhere_host, (unsigned long long)b->host_id);
		break;
	default:
		break;
	}
}

void
sweep_backup_states(struct db *db, const struct sweep_config *cfg,
    const struct sweep_run_opts *o, int writes_ready,
    struct sweep_run_report *r)
{
	struct sweep_vmstate_report	*v;
	unsigned			 writes = 0;
	size_t				 i;
	char				 q[ERR_LEN];

	r->heal_ran = 1;
	if (db == NULL) {
		set_err(r->vmstates_err, "no database connection");
		return;
	}
	if (read_vms(db, r, r->vmstates_err) == -1) {
		log_err("vmstate.read_failed", "error=%s",
		    log_quote(q, sizeof(q), r->vmstates_err));
		return;
	}
	r->vmstates_ok = 1;
	for (i = 0; i < r->nvmstates; i++) {
		v = &r->vmstates[i];
		view(r, v);
		v->verdict = bh_decide(&v->view, cfg->backup_timeout_ms);
		note(v);
		if (!bh_heals(v->verdict)) {
			v->exec = SVX_NONE;
		} else {
			cpy(v->after, sizeof(v->after), v->verdict ==
			    BHV_HEAL_STOPPED ? "Stopped" : "Running");
			if (writes >= SWEEP_HEAL_MAX_PER_RUN) {
				v->exec = SVX_DEFERRED;
				set_err(v->note, "over %d heals this run: next run",
				    SWEEP_HEAL_MAX_PER_RUN);
			} else if (!r->acting) {
				v->exec = SVX_WOULD;
				writes++;
				r->n_healed++;		/* would */
			} else if (!writes_ready && sweep_facts_prepare_writes(
			    db, o, v->note) == -1) {
				v->exec = SVX_ERROR;
			} else {
				writes_ready = 1;
				writes++;
				heal(db, o, cfg->backup_timeout_ms, v);
				if (v->exec == SVX_HEALED)
					r->n_healed++;
			}
			if (v->exec == SVX_ERROR)
				r->n_audit_errors++;
		}
		log_msg(v->exec == SVX_HEALED ? LOG_LVL_WARN : LOG_LVL_INFO,
		    v->exec == SVX_HEALED ? "vmstate.healed" : "vmstate.seen",
		    "vm=%s id=%llu state=%s host=%llu verdict=%s exec=%s "
		    "audit=%llu note=%s", v->instance_name,
		    (unsigned long long)v->vm_id, v->state,
		    (unsigned long long)v->host_id, bh_verdict_name(v->verdict),
		    sweep_vs_exec_name(v->exec), (unsigned long long)v->audit_id,
		    log_quote(q, sizeof(q), v->note));
	}
}

const char *
sweep_vs_exec_name(enum sweep_vs_exec x)
{
	switch (x) {
	case SVX_NONE:		return "none";
	case SVX_WOULD:		return "would-heal";
	case SVX_HEALED:	return "healed";
	case SVX_RACED:		return "raced";
	case SVX_DEFERRED:	return "deferred";
	case SVX_ERROR:		return "error";
	}
	/* NOTREACHED */
	return "invalid";
}
