/*
 * sweep_json.c -- `hawatch sweep --json`: one JSON document per run (hosts
 * and their paused domains with decision and result, stale backups, the
 * --backup-states VMs, errors, summary).  Field reference: docs/sweeper.md
 * and hawatch(8) JSON OUTPUT.  Also the two readings cmd_sweep.c's table
 * shares with it (a host's CloudStack row, the grace hint).
 */
#include <stdio.h>
#include <string.h>

#include "backup_heal.h"
#include "sbuf.h"
#include "sweep.h"
#include "sweep_json.h"
#include "util.h"
#include "virt.h"

const struct sweep_cs_host *
sweep_json_cs_host(const struct sweep_out *o, uint32_t id)
{
	size_t	i;

	for (i = 0; i < o->ncs; i++)
		if (o->cs[i].id == id)
			return &o->cs[i];
	return NULL;
}

/* The CLI's reading of a grace record: it has no memory to measure it. */
const char *
sweep_json_grace_hint(const struct sweep_out *o, const struct sweep_dom_report *d, char *buf,
    size_t len)
{
	if (d->act.kind != SWA_LEAVE || d->act.why != SWW_GRACE)
		return NULL;
	snprintf(buf, len, "resumable, but a single run cannot tell how long "
	    "it has been paused: it would be resumed once paused for %llus "
	    "(sweep.pause_grace); rerun with --grace-met if it has been",
	    (unsigned long long)(o->cfg->sweep.pause_grace_ms / 1000));
	return buf;
}

static void
json_str_or_null(struct sbuf *s, const char *v)
{
	sbuf_json_str(s, v != NULL && v[0] != '\0' ? v : NULL);
}

static void
json_dom(struct sweep_out *o, const struct sweep_dom_report *d, int first)
{
	struct sbuf	*s = &o->s;
	char		 hint[320];

	sbuf_add(s, "%s{\"name\":", first ? "" : ",");
	sbuf_json_str(s, d->obs.name);
	sbuf_add(s, ",\"uuid\":");
	sbuf_json_str(s, d->obs.uuid);
	sbuf_add(s, ",\"state\":\"paused\",\"reason\":\"%s\",\"job\":\"%s\","
	    "\"job_op\":\"%s\",\"processed\":%llu,\"marker\":\"%s\","
	    "\"optout_config\":%s,\"note\":", d->obs.reason_name,
	    virt_job_name(d->obs.job), virt_jobop_name(d->obs.job_op),
	    (unsigned long long)(bp_main(&d->obs.progress) == BPF_NONE ? 0 :
	    d->obs.progress.v[bp_main(&d->obs.progress)]),
	    virt_marker_name(d->obs.marker), d->optout_config ? "true" :
	    "false");
	json_str_or_null(s, d->obs.note);
	virt_progress_json(s, &d->obs);
	sbuf_add(s, ",\"cloudstack\":");
	if (!d->db_known)
		sbuf_add(s, "null");
	else if (!d->cs.found)
		sbuf_add(s, "{\"found\":false}");
	else {
		sbuf_add(s, "{\"found\":true,\"vm_id\":%llu,\"state\":",
		    (unsigned long long)d->cs.vm_id);
		sbuf_json_str(s, d->cs.state);
		sbuf_add(s, ",\"host_id\":%llu,\"removed\":%s,"
		    "\"snapshot_state\":", (unsigned long long)d->cs.host_id,
		    d->cs.removed ? "true" : "false");
		json_str_or_null(s, d->cs.snapshot_state);
		sbuf_add(s, ",\"volume_snapshot_state\":");
		json_str_or_null(s, d->cs.volsnap_state);
		sbuf_add(s, ",\"backup_id\":%llu,\"backup_status\":",
		    (unsigned long long)d->cs.backup_id);
		json_str_or_null(s, d->cs.backup_status);
		sbuf_add(s, "}");
	}
	sbuf_add(s, ",\"decision\":\"%s\",\"why\":\"%s\",\"attempts\":%u,"
	    "\"text\":", sweep_act_name(d->act.kind),
	    sweep_why_name(d->act.why), d->act.attempts);
	sbuf_json_str(s, d->act.text);
	sbuf_add(s, ",\"hint\":");
	sbuf_json_str(s, sweep_json_grace_hint(o, d, hint, sizeof(hint)));
	sbuf_add(s, ",\"exec\":\"%s\",\"result\":", sweep_exec_name(d->exec));
	if (d->exec == SWX_DONE && d->act.kind != SWA_GIVE_UP) {
		sbuf_add(s, "{\"rc\":\"%s\",\"state\":", virt_rc_name(d->res.rc));
		sbuf_json_str(s, d->res.state_name);
		sbuf_add(s, ",\"reason\":");
		sbuf_json_str(s, d->res.reason_name);
		sbuf_add(s, ",\"error\":");
		json_str_or_null(s, d->res.err);
		sbuf_add(s, "}");
	} else
		sbuf_add(s, "null");
	if (d->audit_id != 0)
		sbuf_add(s, ",\"audit_id\":%llu", (unsigned long long)d->audit_id);
	else
		sbuf_add(s, ",\"audit_id\":null");
	sbuf_add(s, ",\"note\":");
	json_str_or_null(s, d->note);
	sbuf_add(s, "}");
}

static void
json_vmstates(struct sweep_out *o, const struct sweep_run_report *r)
{
	const struct sweep_vmstate_report	*v;
	struct sbuf				*s = &o->s;
	size_t					 i;

	sbuf_add(s, ",\"vm_states\":");
	if (!r->heal_ran) {
		sbuf_add(s, "null");
		return;
	}
	sbuf_add(s, "[");
	for (i = 0; i < r->nvmstates; i++) {
		v = &r->vmstates[i];
		sbuf_add(s, "%s{\"vm_id\":%llu,\"instance_name\":", i ? "," : "",
		    (unsigned long long)v->vm_id);
		sbuf_json_str(s, v->instance_name);
		sbuf_add(s, ",\"state\":");
		sbuf_json_str(s, v->state);
		sbuf_add(s, ",\"host_id\":%llu,\"state_age_s\":%llu,"
		    "\"domain\":\"%s\",\"job\":%s,\"host_observed\":%s,"
		    "\"verdict\":\"%s\",\"exec\":\"%s\",\"after\":",
		    (unsigned long long)v->host_id,
		    (unsigned long long)v->state_age_s, bh_dom_name(v->view.dom),
		    v->view.dom_job ? "true" : "false",
		    v->view.host_observed ? "true" : "false",
		    bh_verdict_name(v->verdict), sweep_vs_exec_name(v->exec));
		json_str_or_null(s, v->after);
		sbuf_add(s, ",\"audit_id\":");
		if (v->audit_id)
			sbuf_add(s, "%llu", (unsigned long long)v->audit_id);
		else
			sbuf_add(s, "null");
		sbuf_add(s, ",\"note\":");
		json_str_or_null(s, v->note);
		sbuf_add(s, "}");
	}
	sbuf_add(s, "]");
}

void
sweep_json(struct sweep_out *o, const struct sweep_run_report *r)
{
	const struct sweep_host_report	*h;
	const struct sweep_cs_host	*c;
	const struct sweep_backup_report *b;
	struct sbuf			*s = &o->s;
	size_t				 i, j;
	int				 first;

	sbuf_add(s, "{\"dry_run\":%s,\"grace_met\":%s,\"hosts\":[",
	    r->dry_run ? "true" : "false", o->grace_met ? "true" : "false");
	for (i = 0; i < r->nhosts; i++) {
		h = &r->hosts[i];
		c = sweep_json_cs_host(o, h->host_id);
		sbuf_add(s, "%s{\"host_id\":%u,\"name\":", i ? "," : "",
		    h->host_id);
		sbuf_json_str(s, c != NULL ? c->name : NULL);
		sbuf_add(s, ",\"ip\":");
		sbuf_json_str(s, h->ip);
		sbuf_add(s, ",\"cs_status\":");
		sbuf_json_str(s, c != NULL ? c->status : NULL);
		sbuf_add(s, ",\"swept\":%s,\"observed\":%s,\"uri\":",
		    h->alive ? "true" : "false", h->observed ? "true" : "false");
		json_str_or_null(s, h->uri);
		sbuf_add(s, ",\"rc\":");
		sbuf_json_str(s, h->alive ? virt_rc_name(h->rc) : NULL);
		sbuf_add(s, ",\"error\":");
		json_str_or_null(s, h->observed ? NULL : h->err);
		sbuf_add(s, ",\"running\":%u,\"paused\":%zu,\"domains\":[",
		    h->nrunning, h->npaused);
		for (j = 0, first = 1; j < r->ndoms; j++)
			if (r->doms[j].host_id == h->host_id) {
				json_dom(o, &r->doms[j], first);
				first = 0;
			}
		sbuf_add(s, "]}");
	}
	sbuf_add(s, "],\"backup_timeout_s\":%llu,\"backups\":[",
	    (unsigned long long)(r->backup_timeout_ms / 1000));
	for (j = 0; j < r->nbackups; j++) {
		b = &r->backups[j];
		sbuf_add(s, "%s{\"id\":%llu,\"vm_id\":%llu,\"instance_name\":",
		    j ? "," : "", (unsigned long long)b->id,
		    (unsigned long long)b->vm_id);
		sbuf_json_str(s, b->instance_name);
		sbuf_add(s, ",\"host_id\":%llu,\"date\":",
		    (unsigned long long)b->host_id);
		sbuf_json_str(s, b->date);
		sbuf_add(s, ",\"age_s\":%llu,\"verdict\":\"%s\",\"audit_id\":",
		    (unsigned long long)b->age_s,
		    sweep_bk_verdict_name(b->verdict));
		if (b->audit_id)
			sbuf_add(s, "%llu", (unsigned long long)b->audit_id);
		else
			sbuf_add(s, "null");
		sbuf_add(s, ",\"note\":");
		json_str_or_null(s, b->note);
		sbuf_add(s, "}");
	}
	sbuf_add(s, "]");
	json_vmstates(o, r);
	sbuf_add(s, ",\"errors\":{\"facts\":");
	json_str_or_null(s, r->facts_ok ? NULL : r->facts_err);
	sbuf_add(s, ",\"execute\":");
	json_str_or_null(s, r->act_err);
	sbuf_add(s, ",\"backups\":");
	json_str_or_null(s, r->backups_ok ? NULL : r->backups_err);
	sbuf_add(s, ",\"vm_states\":");
	json_str_or_null(s, !r->heal_ran || r->vmstates_ok ? NULL :
	    r->vmstates_err);
	sbuf_add(s, "},\"summary\":{\"actions\":%u,\"executed\":%u,"
	    "\"failed\":%u,\"host_errors\":%u,\"audit_errors\":%u,"
	    "\"stale_backups\":%u,\"reaped\":%u,\"would_reap\":%u,"
	    "\"healed\":%u,\"would_heal\":%u,\"elapsed_ms\":%llu}",
	    r->n_actions, r->n_executed, r->n_failed, r->n_host_errors,
	    r->n_audit_errors, r->n_stale, r->acting ? r->n_reaped : 0,
	    r->acting ? 0 : r->n_reaped, r->acting ? r->n_healed : 0,
	    r->acting ? 0 : r->n_healed, (unsigned long long)r->elapsed_ms);
}

