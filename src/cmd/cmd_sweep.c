/*
 * cmd_sweep.c -- `hawatch sweep`: one run of the paused-domain sweeper by
 * hand.
 *
 *   hawatch sweep [--host ID] [--grace-met] [--backup-states] [--dry-run]
 *                 [--json]
 *
 * Hosts: CloudStack's KVM routing hosts (not removed); only those with
 * status 'Up' are swept, since the CLI has no liveness view of its own.
 * --host restricts the run to one host (an unknown id is an error).
 *
 * Grace: the daemon measures the pause grace from when it first saw a
 * domain paused.  A single CLI run has no such memory and libvirt keeps no
 * pause time, so by default a resumable domain is reported "grace" (it
 * would be resumed once paused for sweep.pause_grace) and left alone.
 * --grace-met is the operator's statement "these have been paused long
 * enough": the grace counts as elapsed, every other S7 condition still
 * holds.  Job stalls need two looks, so a single run never aborts a job.
 *
 * --backup-states also returns VMs a native backup provider left in
 * BackupError / BackingUp to the state libvirt shows (reconcile/
 * vm_backup_states.c): Running when its domain runs on its host, Stopped
 * when no domain exists on any host (every host must be observed).
 *
 * The table is printed here; --json by sweep_json.c.
 *
 * Writes: a run that is not --dry-run counts as an operator action: it
 * executes and writes audit rows (actor operator:user@host, command
 * "sweep"), and reaps stale backup rows when sweep.reap_stale_backups.
 *
 * Exit (cli.h): 0 something was done (or, with --dry-run, would be);
 * 3 nothing to do; 1 an error (a host's libvirt, the database, an audit
 * row) -- the other hosts are still swept; 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "log.h"
#include "sbuf.h"
#include "sweep.h"
#include "sweep_json.h"
#include "util.h"

static const char usage[] =
"usage: hawatch sweep [--host ID] [--grace-met] [--backup-states] [--dry-run]\n"
"                     [--json]\n"
"\n"
"Finds domains left paused (e.g. by a failed backup) on the KVM hosts\n"
"CloudStack reports Up, and resumes those that are safe to resume: pause\n"
"reason ioerror/user/unknown, no job running, CloudStack records the VM\n"
"Running on that host, no VM or volume snapshot in progress, not opted\n"
"out, and a moving backup job is never aborted.  Also\n"
"reports backups rows stuck in BackingUp (reaped to Error when\n"
"sweep.reap_stale_backups = true).\n"
"\n"
"A single run cannot know how long a domain has been paused: without\n"
"--grace-met it only reports what would be resumed after the grace.\n"
"--grace-met confirms they have been paused at least sweep.pause_grace.\n"
"--backup-states also returns VMs left in BackupError/BackingUp (native\n"
"backup provider) to the state libvirt shows: Running if the domain runs on\n"
"its host, Stopped if no host has it (every host must answer).\n"
"--host ID sweeps one host; --dry-run decides and writes nothing; --json\n"
"prints one JSON document (docs/sweeper.md lists its fields).\n"
"Exit: 0 acted (or would, --dry-run), 3 nothing to do, 1 error, 2 usage.\n";

static void
fmt_job(const struct dom_obs *ob, char *buf, size_t len)
{
	virt_job_fmt(ob, buf, len);	/* the counter that moves */
}

static void
fmt_cs(const struct sweep_dom_report *d, char *buf, size_t len)
{
	if (!d->db_known)
		snprintf(buf, len, "?");
	else if (!d->cs.found)
		snprintf(buf, len, "not-found");
	else if (d->cs.host_id != 0)
		snprintf(buf, len, "%s@%llu%s", d->cs.state,
		    (unsigned long long)d->cs.host_id, d->cs.removed ?
		    ",removed" : "");
	else
		snprintf(buf, len, "%s%s", d->cs.state, d->cs.removed ?
		    ",removed" : "");
}

static void
fmt_result(const struct sweep_run_report *r, const struct sweep_dom_report *d,
    char *buf, size_t len)
{
	switch (d->exec) {
	case SWX_NONE:
		snprintf(buf, len, "-");
		break;
	case SWX_WOULD:
		snprintf(buf, len, "would %s%s", sweep_act_name(d->act.kind),
		    r->dry_run ? " (dry run)" : "");
		break;
	case SWX_REFUSED:
		snprintf(buf, len, "refused");
		break;
	case SWX_DONE:
		if (d->act.kind == SWA_GIVE_UP)
			snprintf(buf, len, "alert raised");
		else if (d->res.state_name != NULL)
			snprintf(buf, len, "%s: %s (%s)", virt_rc_name(d->res.rc),
			    d->res.state_name, d->res.reason_name);
		else
			snprintf(buf, len, "%s", virt_rc_name(d->res.rc));
		break;
	}
	if (d->audit_id != 0)
		snprintf(buf + strlen(buf), len - strlen(buf), ", audit #%llu",
		    (unsigned long long)d->audit_id);
}

/* --backup-states: the VMs a native backup provider left behind */
static void
table_vmstates(struct sweep_out *o, const struct sweep_run_report *r)
{
	const struct sweep_vmstate_report	*v;
	size_t					 i;

	if (!r->heal_ran)
		return;
	if (!r->vmstates_ok) {
		sbuf_add(&o->s, "\nerror: backup states: %s\n", r->vmstates_err);
		return;
	}
	if (r->nvmstates == 0) {
		sbuf_add(&o->s, "\nno VM in BackupError or BackingUp\n");
		return;
	}
	sbuf_add(&o->s, "\nVMs in a backup state:\n  %-8s %-16s %-12s %-5s "
	    "%-9s %-15s %-10s %s\n", "VM", "INSTANCE", "STATE", "HOST",
	    "DOMAIN", "VERDICT", "RESULT", "NOTE");
	for (i = 0; i < r->nvmstates; i++) {
		v = &r->vmstates[i];
		sbuf_add(&o->s, "  %-8llu %-16s %-12s %-5llu %-9s %-15s %-10s %s",
		    (unsigned long long)v->vm_id, v->instance_name, v->state,
		    (unsigned long long)v->host_id, bh_dom_name(v->view.dom),
		    bh_verdict_name(v->verdict), sweep_vs_exec_name(v->exec),
		    v->exec == SVX_HEALED || v->exec == SVX_WOULD ? v->after :
		    v->note);
		if (v->audit_id != 0)
			sbuf_add(&o->s, ", audit #%llu",
			    (unsigned long long)v->audit_id);
		sbuf_add(&o->s, "\n");
	}
}

/* The stale-backups part of the table: rows in BackingUp too long. */
static void
table_backups(struct sweep_out *o, const struct sweep_run_report *r)
{
	const struct sweep_backup_report *b;
	size_t				 j;

	if (!r->backups_ok)
		sbuf_add(&o->s, "\nerror: stale backups: %s\n", r->backups_err);
	else if (r->nbackups == 0)
		sbuf_add(&o->s, "\nno backups row in BackingUp for longer than "
		    "%llus\n", (unsigned long long)(r->backup_timeout_ms / 1000));
	else {
		sbuf_add(&o->s, "\nbackups in BackingUp for longer than %llus "
		    "(sweep.backup_timeout):\n  %-8s %-16s %-5s %-20s %-8s "
		    "%-15s %s\n", (unsigned long long)(r->backup_timeout_ms /
		    1000), "BACKUP", "VM", "HOST", "DATE (UTC)", "AGE", "VERDICT",
		    "NOTE");
		for (j = 0; j < r->nbackups; j++) {
			b = &r->backups[j];
			sbuf_add(&o->s, "  %-8llu %-16s %-5llu %-20s %-8llu "
			    "%-15s %s", (unsigned long long)b->id,
			    b->instance_name, (unsigned long long)b->host_id,
			    b->date, (unsigned long long)b->age_s,
			    sweep_bk_verdict_name(b->verdict), b->note);
			if (b->audit_id != 0)
				sbuf_add(&o->s, "%saudit #%llu", b->note[0] ?
				    ", " : "", (unsigned long long)b->audit_id);
			sbuf_add(&o->s, "\n");
		}
	}
}

static void
table(struct sweep_out *o, const struct sweep_run_report *r)
{
	const struct sweep_host_report	*h;
	const struct sweep_cs_host	*c;
	const struct sweep_dom_report	*d;
	char				 st[48], job[96], cs[96], res[192];
	char				 hint[320];
	size_t				 i;

	for (i = 0; i < r->nhosts; i++) {
		h = &r->hosts[i];
		c = sweep_json_cs_host(o, h->host_id);
		sbuf_add(&o->s, "host %u (%s, %s): ", h->host_id,
		    c != NULL ? c->name : "?", h->ip);
		if (!h->alive)
			sbuf_add(&o->s, "not swept: CloudStack status %s\n",
			    c != NULL ? c->status : "?");
		else if (!h->observed)
			sbuf_add(&o->s, "error: libvirt %s: %s\n",
			    virt_rc_name(h->rc), h->err);
		else
			sbuf_add(&o->s, "%zu paused, %u running, %u other "
			    "(%s, %llums)\n", h->npaused, h->nrunning, h->nother,
			    h->uri, (unsigned long long)h->elapsed_ms);
	}
	if (r->ndoms > 0)
		sbuf_add(&o->s, "\n%-5s %-16s %-20s %-14s %-14s %-10s %-22s %s\n",
		    "HOST", "DOMAIN", "STATE", "JOB", "CLOUDSTACK", "DECISION",
		    "WHY", "RESULT");
	for (i = 0; i < r->ndoms; i++) {
		d = &r->doms[i];
		snprintf(st, sizeof(st), "paused (%s)", d->obs.reason_name);
		fmt_job(&d->obs, job, sizeof(job));
		fmt_cs(d, cs, sizeof(cs));
		fmt_result(r, d, res, sizeof(res));
		sbuf_add(&o->s, "%-5u %-16s %-20s %-14s %-14s %-10s %-22s %s\n",
		    d->host_id, d->obs.name, st, job, cs,
		    sweep_act_name(d->act.kind), sweep_why_name(d->act.why),
		    res);
		if (sweep_json_grace_hint(o, d, hint, sizeof(hint)) != NULL)
			sbuf_add(&o->s, "      %s\n", hint);
		else
			sbuf_add(&o->s, "      %s\n", d->act.text);
		if (d->res.err[0] != '\0' && d->exec == SWX_DONE)
			sbuf_add(&o->s, "      libvirt: %s\n", d->res.err);
		if (d->note[0] != '\0' && d->exec != SWX_WOULD)
			sbuf_add(&o->s, "      note: %s\n", d->note);
	}
	if (!r->facts_ok && r->facts_err[0] != '\0')
		sbuf_add(&o->s, "\nerror: CloudStack facts: %s\n", r->facts_err);
	if (r->act_err[0] != '\0')
		sbuf_add(&o->s, "\nerror: nothing executed: %s\n", r->act_err);
	table_backups(o, r);
	table_vmstates(o, r);
	/* a dry run counts what it would reap: it says so, never "reaped" */
	sbuf_add(&o->s, "\nsummary: actions=%u executed=%u failed=%u "
	    "host_errors=%u stale_backups=%u %s=%u elapsed=%llums%s\n",
	    r->n_actions, r->n_executed, r->n_failed, r->n_host_errors,
	    r->n_stale, r->acting ? "reaped" : "would_reap", r->n_reaped,
	    (unsigned long long)r->elapsed_ms,
	    r->dry_run ? " (dry run: nothing executed or written)" : "");
}

static int
exit_code(const struct sweep_run_report *r)
{
	if (r->n_host_errors > 0 || !r->facts_ok || !r->backups_ok ||
	    r->act_err[0] != '\0' || r->n_audit_errors > 0)
		return EXIT_ERROR;
	if (r->heal_ran && !r->vmstates_ok)
		return EXIT_ERROR;
	if (r->n_actions > 0 || r->n_reaped > 0 || r->n_healed > 0)
		return EXIT_OK;
	return EXIT_NOTHING;
}

static const char *
exit_name(int code, int dry_run)
{
	switch (code) {
	case EXIT_OK:		return dry_run ? "would-act" : "acted";
	case EXIT_ERROR:	return "error";
	case EXIT_NOTHING:	return "nothing-to-do";
	}
	return "invalid";
}

/* The hosts to sweep: every KVM host CloudStack knows, or only `host`. */
static struct sweep_host_in *
hosts_in(const struct sweep_cs_host *cs, size_t ncs, uint64_t host,
    size_t *nin)
{
	struct sweep_host_in	*in = xcalloc(ncs + 1, sizeof(*in));
	size_t			 i;

	*nin = 0;
	for (i = 0; i < ncs; i++) {
		if (host != 0 && cs[i].id != host)
			continue;
		in[*nin].host_id = cs[i].id;
		snprintf(in[*nin].ip, sizeof(in[*nin].ip), "%s", cs[i].ip);
		in[*nin].alive = strcmp(cs[i].status, "Up") == 0;
		(*nin)++;
	}
	return in;
}

int
cmd_sweep(struct cli *c, int argc, char **argv)
{
	struct sweep_run_report	 r;
	struct sweep_run_opts	 ro;
	struct sweep_host_in	*in = NULL;
	struct sweep_cs_host	*cs = NULL;
	struct sweeper		*sw = NULL;
	struct sweep_out	 o;
	struct db		 db;
	uint64_t		 host = 0;
	size_t			 ncs = 0, nin = 0;
	int			 rc = EXIT_ERROR;
	char			 err[ERR_LEN];
	const struct cli_opt	 opts[] = {
		{ "host", 0, CLI_ID, &host, "ID" },
		{ "grace-met", 0, CLI_FLAG, &ro.grace_met, NULL },
		{ "backup-states", 0, CLI_FLAG, &ro.heal_backup_states, NULL },
		{ "dry-run", 0, CLI_FLAG, &ro.dry_run, NULL },
		{ "json", 0, CLI_FLAG, &o.json, NULL },
	};

	memset(&o, 0, sizeof(o));
	memset(&ro, 0, sizeof(ro));
	if ((rc = cli_opts("sweep", usage, opts, NELEM(opts), argc, argv, 1,
	    NULL)) != CLI_GO_ON)
		return rc;
	rc = EXIT_ERROR;
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	/* hawatch's schema is created only right before a first write */
	if (cli_db_open(c, &db, -1) == -1)
		return EXIT_ERROR;
	if (sweep_facts_hosts(&db, &cs, &ncs, err) == -1) {
		fprintf(stderr, "hawatch: %s\n", err);
		goto out;
	}
	in = hosts_in(cs, ncs, host, &nin);
	if (host != 0 && nin == 0) {
		fprintf(stderr, "hawatch: sweep: host %llu is not a KVM routing "
		    "host in CloudStack (removed, another hypervisor, or no "
		    "such id)\n", (unsigned long long)host);
		goto out;
	}
	if ((sw = sweeper_new(&c->cfg.sweep, err)) == NULL) {
		fprintf(stderr, "hawatch: %s\n", err);
		goto out;
	}
	ro.now_ms = clock_mono_ms();
	ro.is_leader = 1;		/* an operator's run acts by itself */
	ro.actor = c->actor;
	ro.command = "sweep";
	if (sweeper_run(sw, &db, in, nin, &ro, &r, err) == -1) {
		fprintf(stderr, "hawatch: %s\n", err);
		goto out;
	}
	o.grace_met = ro.grace_met;
	o.cfg = &c->cfg;
	o.cs = cs;
	o.ncs = ncs;
	sbuf_init(&o.s);
	rc = exit_code(&r);
	if (o.json) {
		sweep_json(&o, &r);
		sbuf_add(&o.s, ",\"result\":\"%s\",\"exit_code\":%d}\n",
		    exit_name(rc, r.dry_run), rc);
	} else
		table(&o, &r);
	fputs(o.s.s, stdout);
	sbuf_free(&o.s);
	sweep_run_report_free(&r);
out:
	sweeper_free(sw);
	virt_shutdown();
	free(in);
	free(cs);
	db_close(&db);
	return rc;
}
