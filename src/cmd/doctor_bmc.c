/*
 * doctor_bmc.c -- `hawatch doctor`'s BMC checks: every host's BMC answers a
 * power reading (bmc.workers sessions at a time, each bounded by the IPMI
 * session timeouts), and a BMC reading off while its host's heartbeat is
 * fresh is reported as mapped to the wrong host (S2 hazard).  Then, where
 * console capture is not off, whether the BMC's SOL works and whether it
 * keeps a console history (sol_probe(), fence/sol_capture.c): one "sol"
 * line per BMC.  Reads only; a probe never takes over a held SOL session.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "clock.h"
#include "heartbeat.h"
#include "hw_schema.h"
#include "inventory.h"
#include "bmc_target.h"
#include "ipmi.h"
#include "log.h"
#include "sbuf.h"
#include "sol_capture.h"
#include "util.h"
#include "virt.h"
#include "doctor.h"

/*
 * One SOL probe's bound: a session answers within SOL_SESSION_TIMEOUT_MS
 * and a history dump ends within SOL_HISTORY_MS; past this the BMC's SOL
 * is reported as not answering.
 */
#define DOCTOR_SOL_PROBE_MS	(SOL_HISTORY_MS + SOL_SESSION_TIMEOUT_MS)

/* --- BMCs ------------------------------------------------------------------ */

struct bmc_job {
	struct ipmi_target	t;
	int			has;	/* 1 target, 0 none, -1 bad config */
	enum bmc_status		st;
	int			rc;
	uint64_t		elapsed_ms;
	char			err[ERR_LEN];
	struct sol_settings	sol;	/* sol.capture off: no probe */
	int			sol_probed;
	struct sol_probe_result	sp;
	pthread_t		th;
	int			started;
};

static void *
bmc_main(void *arg)
{
	struct bmc_job	*j = arg;
	uint64_t	 t0 = clock_mono_ms();

	j->rc = ipmi_power_status(&j->t, &j->st, j->err);
	j->elapsed_ms = clock_mono_ms() - t0;
	/* SOL only where the BMC answers IPMI and libipmiconsole can reach it */
	if (j->rc == 0 && j->sol.capture != SOL_CAPTURE_OFF &&
	    j->t.port == IPMI_PORT_DEFAULT) {
		sol_probe(&j->t, &j->sol, DOCTOR_SOL_PROBE_MS, &j->sp);
		j->sol_probed = 1;
	}
	return NULL;
}

/* the "sol" line of one BMC whose power reading worked */
static void
report_sol(struct doctor *d, const struct inv_host *h, const struct bmc_job *j,
    const char *addr)
{
	static const char fix[] = "set bmc.sol_workarounds (ipmi_sim: "
	    "opensesspriv,solchannelsupport,solpayloadsize), free the "
	    "BMC's SOL session, or set console_capture = \"off\" for it";

	if (j->sol.capture == SOL_CAPTURE_OFF)
		return;
	if (!j->sol_probed)
		dr(d, DR_WARN, "sol", "put the BMC on port 623, or set "
		    "console_capture = \"off\" for it", "host %llu (%s) BMC "
		    "%s: no console capture: %s", (unsigned long long)h->id,
		    h->name, addr, SOL_PORT_REASON);
	else if (!j->sp.sol)
		dr(d, DR_WARN, "sol", fix, "host %llu (%s) BMC %s: SOL does "
		    "not work%s: %s (%llums)", (unsigned long long)h->id,
		    h->name, addr, j->sp.refused && j->sol.capture ==
		    SOL_CAPTURE_AUTO ? " (auto: no capture for it)" : "",
		    j->sp.reason, (unsigned long long)j->sp.elapsed_ms);
	else if (j->sp.history)
		dr(d, DR_OK, "sol", NULL, "host %llu (%s) BMC %s: SOL works, "
		    "keeps a console history (%zu bytes now) (%llums)",
		    (unsigned long long)h->id, h->name, addr,
		    j->sp.history_bytes, (unsigned long long)j->sp.elapsed_ms);
	else
		dr(d, DR_OK, "sol", NULL, "host %llu (%s) BMC %s: SOL works, "
		    "no console history (live output from the suspect on)%s%s "
		    "(%llums)", (unsigned long long)h->id, h->name, addr,
		    j->sp.reason[0] ? ": " : "", j->sp.reason,
		    (unsigned long long)j->sp.elapsed_ms);
}

static const char *
bmc_fix(enum bmc_status s)
{
	switch (s) {
	case BMC_AUTH_PASSWORD:
		return "set bmc.password_file (or bmc.hosts[].password) to "
		    "the BMC account's password";
	case BMC_AUTH_USER:
		return "set bmc.user (or bmc.hosts[].user) to an account the "
		    "BMC knows";
	case BMC_PRIVILEGE:
		return "give the account operator privilege, or set "
		    "bmc.privilege / bmc.workarounds (ipmi_sim: opensesspriv)";
	case BMC_TIMEOUT:
		return "check the address/port (oobm row or bmc.hosts), the "
		    "network path to the BMC and that IPMI over LAN is on";
	default:
		return "check the BMC address and IPMI settings";
	}
}

/* Reads every configured BMC, w sessions at a time like the daemon's pool. */
static void
bmc_jobs_run(struct bmc_job *j, size_t n, size_t w)
{
	size_t	i, b;

	for (b = 0; b < n; b += w) {
		for (i = b; i < n && i < b + w; i++)
			if (j[i].has == 1)
				j[i].started = pthread_create(&j[i].th, NULL,
				    bmc_main, &j[i]) == 0;
		for (i = b; i < n && i < b + w; i++) {
			if (j[i].has != 1)
				continue;
			if (j[i].started)
				pthread_join(j[i].th, NULL);
			else
				bmc_main(&j[i]);
		}
	}
}

void
check_bmcs(struct doctor *d, const struct config *cfg,
    const struct inventory *inv, const uint64_t *newest)
{
	struct bmc_job	*j = xcalloc(inv->nhosts + 1, sizeof(*j));
	const struct inv_host *h;
	char		 addr[IPMI_ADDR_LEN], err[ERR_LEN], fix[300], src[80];
	size_t		 i, w = cfg->bmc.workers ? cfg->bmc.workers : 1;
	uint64_t	 now = clock_wall_ms(), age;
	int		 any = 0;

	if (ipmi_global_init(err) == -1) {
		dr(d, DR_FAIL, "bmc", NULL, "%s", err);
		free(j);
		return;
	}
	for (i = 0; i < inv->nhosts; i++) {
		j[i].has = bmc_target_from_config(cfg, &inv->hosts[i], &j[i].t, j[i].err);
		if (j[i].has == 1 && bmc_sol_settings(cfg, inv->hosts[i].id,
		    &j[i].sol, err) == -1)
			j[i].sol.capture = SOL_CAPTURE_OFF;	/* config-check
								   refuses it */
	}
	bmc_jobs_run(j, inv->nhosts, w);
	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		if (j[i].has == 0) {
			if (h->ignore == IGN_NONE)
				dr(d, DR_WARN, "bmc", "enable out-of-band "
				    "management for the host or add it to "
				    "bmc.hosts", "host %llu (%s): no BMC: it "
				    "can never be fenced", (unsigned long long)
				    h->id, h->name);
			continue;
		}
		any = 1;
		if (j[i].has == -1) {
			dr(d, DR_FAIL, "bmc", "fix bmc / bmc.hosts in hawatch."
			    "conf", "host %llu (%s): bad BMC settings: %s",
			    (unsigned long long)h->id, h->name, j[i].err);
			continue;
		}
		ipmi_target_addr(&j[i].t, addr, sizeof(addr));
		if (j[i].rc == -1) {
			snprintf(fix, sizeof(fix), "%s", bmc_fix(j[i].st));
			dr(d, DR_FAIL, "bmc", fix, "host %llu (%s) BMC %s: %s%s "
			    "after %llums: %s", (unsigned long long)h->id,
			    h->name, addr, j[i].st == BMC_AUTH_PASSWORD ?
			    "password invalid: " : "", bmc_status_message(j[i].st),
			    (unsigned long long)j[i].elapsed_ms, j[i].err);
			continue;
		}
		age = newest[i] != 0 && now > newest[i] ? now - newest[i] : 0;
		if (j[i].st == BMC_OFF && newest[i] != 0 &&
		    age < cfg->daemon.dead_after_ms) {
			snprintf(fix, sizeof(fix), "check that the oobm row / "
			    "bmc.hosts entry of host %llu names this host's own "
			    "BMC", (unsigned long long)h->id);
			dr(d, DR_FAIL, "bmc.mapping", fix, "host %llu (%s): BMC "
			    "%s reads OFF but the host's heartbeat is %llus old "
			    "(fresh): BMC mapped to the wrong host? Fencing it "
			    "would power off another machine and trust a "
			    "reading that proves nothing (S2)",
			    (unsigned long long)h->id, h->name, addr,
			    (unsigned long long)(age / 1000));
			continue;
		}
		bmc_target_cred_source(cfg, h, src, sizeof(src));
		dr(d, DR_OK, "bmc", NULL, "host %llu (%s) BMC %s: power %s "
		    "(%llums; %s)", (unsigned long long)h->id, h->name, addr,
		    bmc_status_name(j[i].st), (unsigned long long)j[i].elapsed_ms,
		    src);
		report_sol(d, h, &j[i], addr);
	}
	if (!any)
		dr(d, DR_WARN, "bmc", "configure oobm rows or bmc.hosts",
		    "no host has a BMC: hawatch can fence nobody");
	for (i = 0; i < inv->nhosts; i++)
		ipmi_target_clear(&j[i].t);
	free(j);
}
