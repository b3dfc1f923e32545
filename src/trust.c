/*
 * trust.c -- the daemon's side of BMC trust (see trust.h): endpoints,
 * probes, identity checks and alert rows for the core's guard_bmc.c.
 *
 * A host has a libvirt endpoint when the sweeper is enabled and
 * sweep.uri_template names the host ({ip}); a template without {ip}
 * (test:///...) names no particular host and gives none.  Probes start
 * only for watched hosts whose latest BMC reading is off and that the
 * core has not fenced; one runs per host at a time.  Nothing here waits
 * on I/O except the alerts read and writes, each one bounded statement
 * on the daemon's connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "bmc_target.h"
#include "corroborate.h"
#include "daemon.h"
#include "defaults.h"
#include "log.h"
#include "trust.h"
#include "virt.h"

static void
trust_endpoints(struct daemon *d)
{
	const char	*tmpl = d->cfg.sweep.uri_template;
	char		 uri[VIRT_URI_LEN], err[ERR_LEN];
	size_t		 i;
	int		 on = d->cfg.sweep.enabled && strstr(tmpl, "{ip}") != NULL;

	for (i = 0; i < d->inv.nhosts; i++) {
		struct host_extra	*x = &d->extra[i];

		uri[0] = '\0';
		if (on && virt_uri_expand(tmpl, d->inv.hosts[i].ip, uri,
		    sizeof(uri), err) == -1)
			uri[0] = '\0';
		if (strcmp(uri, x->lv_uri) != 0) {
			corroborate_forget(d->corr, (uint32_t)x->id);
			snprintf(x->lv_uri, sizeof(x->lv_uri), "%s", uri);
		}
	}
}

/* hawatch.alerts into the extras (both sorted by host id). */
static void
trust_alerts(struct daemon *d)
{
	struct alert_host	*v;
	size_t			 n, i, j = 0;
	char			 err[ERR_LEN];

	d->alerts_ok = 0;
	if (!d->db_up)
		return;
	if (alerts_load(&d->db, &v, &n, err) == -1) {
		log_err("alerts.read", "error=\"%s\"", err);
		return;
	}
	for (i = 0; i < d->inv.nhosts; i++) {
		struct host_extra	*x = &d->extra[i];

		while (j < n && v[j].host_id < x->id)
			j++;
		x->contra_open = x->identity_open = 0;
		x->contra_cleared = 0;
		if (j < n && v[j].host_id == x->id) {
			x->contra_open = v[j].contradiction_open;
			x->contra_cleared = v[j].contradiction_cleared;
			x->identity_open = v[j].identity_open;
		}
	}
	free(v);
	d->alerts_ok = 1;
}

void
trust_inventory(struct daemon *d)
{
	trust_endpoints(d);
	trust_alerts(d);
}

static void
trust_start_identity(struct daemon *d, const struct inv_host *h,
    const char *uri)
{
	struct ipmi_target	t;
	char			err[ERR_LEN];

	if (bmc_target_from_config(&d->cfg, h, &t, err) != 1)
		return;
	corroborate_identity(d->corr, (uint32_t)h->id, uri, &t,
	    d->cfg.sweep.open_timeout_ms + d->cfg.sweep.call_timeout_ms);
	ipmi_target_clear(&t);
}

void
trust_observe(struct daemon *d, size_t i, struct host_obs *ho, uint64_t now)
{
	const struct inv_host		*h = &d->inv.hosts[i];
	const struct host_extra		*x = &d->extra[i];
	const struct host_core_view	*v;
	struct corr_view		 cv;

	corroborate_view(d->corr, (uint32_t)h->id, &cv);
	ho->probe = PROBE_NO_ENDPOINT;
	if (x->lv_uri[0] != '\0') {
		ho->probe = cv.probe;
		ho->probe_seq = cv.probe_seq;
		ho->probe_power_seq = cv.probe_power_seq;
	}
	/* an open row stands for the last comparison until a new one */
	ho->identity = cv.identity != BMC_ID_UNKNOWN ? cv.identity :
	    x->identity_open ? BMC_ID_MISMATCH : BMC_ID_UNKNOWN;
	ho->contradiction_open = x->contra_open;
	ho->contradiction_cleared = x->contra_cleared;
	if (h->ignore != IGN_NONE || x->lv_uri[0] == '\0')
		return;
	v = core_host_view(d->core, h->id);
	if (ho->power == PWR_OFF && (v == NULL || v->state != HS_FENCED))
		corroborate_probe(d->corr, (uint32_t)h->id, x->lv_uri,
		    ho->power_seq, d->cfg.daemon.corroborate_timeout_ms);
	if (x->has_bmc && (cv.identity_ms == 0 ||
	    now - cv.identity_ms >= IDENTITY_RECHECK_MS))
		trust_start_identity(d, h, x->lv_uri);
}

static void
trust_raise(struct daemon *d, struct host_extra *x, const char *kind,
    const char *detail)
{
	char	err[ERR_LEN];

	if (alerts_raise(&d->db, x->id, kind, d->actor, detail, err) == -1) {
		log_err("alerts.write", "host=%llu kind=%s error=\"%s\"",
		    (unsigned long long)x->id, kind, err);
		return;
	}
	if (strcmp(kind, ALERT_KIND_CONTRADICTION) == 0)
		x->contra_open = 1;
	else
		x->identity_open = 1;
}

void
trust_persist(struct daemon *d)
{
	const struct host_core_view	*v;
	struct corr_view		 cv;
	char				 detail[256], err[ERR_LEN];
	size_t				 i;

	if (!d->db_up || !d->alerts_ok)
		return;
	for (i = 0; i < d->inv.nhosts; i++) {
		struct host_extra	*x = &d->extra[i];

		if ((v = core_host_view(d->core, x->id)) == NULL)
			continue;
		corroborate_view(d->corr, (uint32_t)x->id, &cv);
		if (v->bmc_contradiction && !x->contra_open)
			trust_raise(d, x, ALERT_KIND_CONTRADICTION,
			    cv.probe == PROBE_ANSWERED ? "libvirt answered "
			    "while the BMC read off" : "heartbeat changed "
			    "while the BMC read off");
		if (v->bmc_identity_mismatch && !x->identity_open) {
			snprintf(detail, sizeof(detail), "bmc_guid=%s "
			    "host_uuid=%s", cv.bmc_guid, cv.host_uuid);
			trust_raise(d, x, ALERT_KIND_IDENTITY, detail);
		} else if (!v->bmc_identity_mismatch && x->identity_open) {
			if (alerts_resolve(&d->db, x->id, ALERT_KIND_IDENTITY,
			    d->actor, "bmc guid matches the host uuid",
			    err) == -1)
				log_err("alerts.write", "host=%llu error=\"%s\"",
				    (unsigned long long)x->id, err);
			else
				x->identity_open = 0;
		}
	}
}
