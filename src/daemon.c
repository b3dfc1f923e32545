/*
 * daemon.c -- `hawatch run`: the daemon's lifecycle around the tick.
 *
 * Start: load the config, block the signals we handle (a signalfd
 * delivers them to the loop, so no handler runs in a worker thread),
 * start the BMC worker pool, then tick every tick_interval:
 *
 *   for (;;) { tick_run(); status_write(); sd_notify(WATCHDOG, STATUS);
 *              poll(signalfd, time left in this tick); }
 *
 * The wait is a poll() on the signalfd, so SIGTERM ends the loop at once.
 * READY=1 goes out after the first complete tick; WATCHDOG=1 after every
 * tick, so systemd restarts a loop that stalls.  SIGHUP reloads the config
 * (a bad new config is logged and the old one kept).  SIGTERM/SIGINT: stop
 * ticking, release leadership, stop the BMC workers (closing their
 * sessions), close the pools, exit 0.
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "cli.h"
#include "clock.h"
#include "corroborate.h"
#include "daemon.h"
#include "log.h"
#include "policy.h"
#include "util.h"
#include "virt.h"

static void
daemon_identity(struct daemon *d)
{
	char	host[200];

	if (d->cfg.daemon.instance_name[0] != '\0')
		snprintf(d->instance, sizeof(d->instance), "%s",
		    d->cfg.daemon.instance_name);
	else {
		if (gethostname(host, sizeof(host)) == -1)
			strcpy(host, "unknown");
		host[sizeof(host) - 1] = '\0';
		snprintf(d->instance, sizeof(d->instance), "%s", host);
	}
	snprintf(d->actor, sizeof(d->actor), "hawatch:%s", d->instance);
}

static int
daemon_setup(struct daemon *d, char *err)
{
	policy_from_config(&d->cfg, &d->pol);
	if (core_policy_check(&d->pol, err) == -1)
		return -1;
	hb_opts_default(&d->hb_opts);
	/* a heartbeat round never outlives its deadline, so neither do RPCs */
	d->hb_opts.rpc_timeout_ms = (uint32_t)d->cfg.daemon.hb_read_deadline_ms;
	d->hb_opts.mount_timeout_ms = (uint32_t)d->cfg.daemon.hb_read_deadline_ms;
	daemon_identity(d);
	leader_init(&d->leader, &d->cfg.db, d->instance);
	return 0;
}

static void
reload(struct daemon *d)
{
	struct config		nc;
	struct core_policy	np;
	struct metrics_config	old_metrics;
	char			err[ERR_LEN];

	if (config_load(&nc, d->config_path, err) == -1) {
		log_err("config.reload_failed", "error=\"%s\" (keeping the "
		    "running config)", err);
		return;
	}
	policy_from_config(&nc, &np);
	if (core_policy_check(&np, err) == -1) {
		log_err("config.reload_failed", "error=\"%s\" (keeping the "
		    "running config)", err);
		config_free(&nc);
		return;
	}
	old_metrics = d->cfg.metrics;
	config_free(&d->cfg);
	d->cfg = nc;
	d->pol = np;
	metrics_daemon_reload(d, &old_metrics);
	log_set_level(d->cfg.log_level);
	sweep_thread_reconfig(&d->sweep, &d->cfg);
	d->bmc_targets_hash = 0;	/* re-send targets: credentials may differ */
	/* the database settings apply from the next connection */
	log_info("config.reloaded", "path=%s", d->config_path);
}

static void
shutdown_daemon(struct daemon *d)
{
	size_t	i;

	sd_notify(0, "STOPPING=1");
	metrics_daemon_stop(d);
	sweep_thread_stop(&d->sweep);
	if (d->db_up) {
		leader_release(&d->leader, &d->db);
		db_close(&d->db);
	}
	if (d->bmc != NULL)
		bmc_pool_free(d->bmc);
	corroborate_free(d->corr);
	for (i = 0; i < d->nslots; i++)
		if (d->slots[i].pool != NULL)
			hb_pool_close(d->slots[i].pool);
	free(d->slots);
	inventory_free(&d->inv);
	free(d->extra);
	ra_result_free(&d->restarts);
	core_state_free(d->core);
	free(d->acts.v);
	free(d->evs.v);
	free(d->obs_hosts);
	free(d->obs_pools);
	free(d->alerts);
	free(d->fence_news);
	console_watch_free(d->console);
	config_free(&d->cfg);
	virt_shutdown();
	log_info("daemon.stopped", "instance=%s", d->instance);
}

static void
notify_tick(struct daemon *d)
{
	size_t	i, fenced = 0, alerts = d->nalerts, dead = 0;

	for (i = 0; i < core_host_count(d->core); i++) {
		const struct host_core_view *v = core_host_view_at(d->core, i);

		if (v->state == HS_FENCED)
			fenced++;
		else if (v->state == HS_DEAD || v->state == HS_FENCING ||
		    v->state == HS_UNFENCEABLE)
			dead++;
	}
	if (!d->ready_sent) {
		sd_notify(0, "READY=1");
		d->ready_sent = 1;
		log_info("daemon.ready", "instance=%s hosts=%zu pools=%zu",
		    d->instance, d->inv.nhosts, d->inv.npools);
	}
	sd_notifyf(0, "WATCHDOG=1\nSTATUS=%s; %zu hosts, %zu dead, %zu fenced, "
	    "%zu alerts; db %s; tick %.0f ms", d->is_leader ? "leader" :
	    "standby", d->inv.nhosts, dead, fenced, alerts,
	    d->db_up ? "up" : "down", d->last_tick_us / 1000.0);
}

/* Block the signals before any thread starts, so only the signalfd sees
 * them; the fd, or -1 (err). */
static int
signals_open(char *err)
{
	sigset_t	mask;
	int		sfd;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &mask, NULL) != 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) == -1) {
		set_err(err, "signalfd: %s", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return sfd;
}

/* Sleep until next (monotonic ms), serving signals: 1 to stop, else 0. */
static int
wait_next_tick(struct daemon *d, int sfd, uint64_t next)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd;
	uint64_t		 now;
	int			 r, stop = 0;

	for (;;) {
		now = clock_mono_ms();
		pfd.fd = sfd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, next > now ? (int)(next - now) : 0);
		if (r == -1 && errno != EINTR) {
			log_err("daemon.poll", "error=\"%s\"", strerror(errno));
			return 1;
		}
		if (r <= 0)
			return 0;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP)
				reload(d);
			else {
				log_info("daemon.signal", "signal=%s",
				    strsignal((int)si.ssi_signo));
				stop = 1;
			}
		}
		if (stop)
			return 1;
	}
}

/* Ticks at tick_interval until a signal says stop. */
static void
run_loop(struct daemon *d, int sfd)
{
	uint64_t	next, now, t0;
	int		stop = 0;

	next = clock_mono_ms();
	while (!stop) {
		t0 = clock_mono_us();
		(void)tick_run(d, clock_mono_ms());
		d->last_tick_us = clock_mono_us() - t0;
		status_write(d);
		metrics_publish(d);
		notify_tick(d);
		next += d->cfg.daemon.tick_interval_ms;
		now = clock_mono_ms();
		if (next < now)		/* overran: start the next tick now */
			next = now;
		stop = wait_next_tick(d, sfd, next);
	}
}

/* Workers: BMC pool, core state, sweeper thread; -1 (err) on failure. */
static int
start_workers(struct daemon *d, char *err)
{
	d->bmc = bmc_pool_new(d->cfg.bmc.workers,
	    (unsigned)d->cfg.daemon.bmc_poll_interval_ms);
	d->core = core_state_new();
	d->corr = corroborate_new();
	if (d->bmc == NULL || d->core == NULL) {
		set_err(err, "cannot start workers");
		return -1;
	}
	if (sweep_thread_start(&d->sweep, &d->cfg, d->actor, d->leader.lock,
	    err) == -1)
		return -1;
	metrics_daemon_start(d);
	return 0;
}

int
cmd_run(struct cli *c, int argc, char **argv)
{
	struct daemon	 d;
	char		 err[ERR_LEN];
	int		 sfd, r;

	if ((r = cli_opts("run", "usage: hawatch run\n\nThe daemon: watch, "
	    "fence, reconcile (systemd Type=notify).\n", NULL, 0, argc, argv,
	    1, NULL)) != CLI_GO_ON)
		return r;
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	memset(&d, 0, sizeof(d));
	d.cfg = c->cfg;
	memset(&c->cfg, 0, sizeof(c->cfg));	/* the daemon owns it now */
	d.config_path = c->config_path;
	if (daemon_setup(&d, err) == -1 || ipmi_global_init(err) == -1 ||
	    (sfd = signals_open(err)) == -1) {
		fprintf(stderr, "hawatch: run: %s\n", err);
		config_free(&d.cfg);
		return EXIT_ERROR;
	}
	if (start_workers(&d, err) == -1) {
		fprintf(stderr, "hawatch: run: %s\n", err);
		close(sfd);
		shutdown_daemon(&d);
		return EXIT_ERROR;
	}
	d.start_ms = clock_mono_ms();
	d.start_wall_ms = clock_wall_ms();
	log_info("daemon.start", "instance=%s config=%s tick_ms=%llu "
	    "dead_after_ms=%llu", d.instance, d.config_path,
	    (unsigned long long)d.cfg.daemon.tick_interval_ms,
	    (unsigned long long)d.cfg.daemon.dead_after_ms);
	run_loop(&d, sfd);
	close(sfd);
	shutdown_daemon(&d);
	return EXIT_OK;
}
