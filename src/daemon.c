/*
 * daemon.c -- `hawatch run`: the daemon's lifecycle around the tick.
 *
 * Start: load the config, block the signals we handle (a signalfd
 * delivers them to the loop, so no handler runs in a worker thread),
 * start the BMC worker pool, then tick every tick_interval:
 *
 *   for (;;) { tick_run(); status_write(); sd_notify(WATCHDOG, STATUS);
 *              poll(signalfd + BMC wake fd, time left in this tick); }
 *
 * The wait is a poll() on the signalfd, so SIGTERM ends the loop at once,
 * and on the BMC pool's wake fd: a power change read or confirmed, or a
 * fence result, runs an extra round at once (TICK_WAKE_GAP_MS after the
 * last one at the earliest) instead of at the next tick; the regular
 * schedule stays as it was.
 * READY=1 goes out after the first complete tick; WATCHDOG=1 after every
 * tick, so systemd restarts a loop that stalls.  SIGHUP reloads the config:
 * parsed on its own thread, applied by the next tick (a bad new config is
 * logged and the old one kept).  SIGTERM/SIGINT: stop
 * ticking, release leadership, stop the BMC workers (closing their
 * sessions), close the pools, exit 0.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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

/*
 * SIGHUP: parse and check the new config on its own thread, so a config
 * that takes long to read (an @include on a hung NFS mount, a FIFO) never
 * stalls the tick; the tick applies the result once it is ready.  One
 * job at a time: a SIGHUP during a job runs one more job after it.
 */
struct reload_job {
	pthread_t		 th;
	const char		*path;
	struct config		 cfg;
	struct core_policy	 pol;
	int			 ok;
	char			 err[ERR_LEN];
	atomic_int		 done;
};

static void *
reload_main(void *arg)
{
	struct reload_job	*j = arg;

	if (config_load(&j->cfg, j->path, j->err) == 0) {
		policy_from_config(&j->cfg, &j->pol);
		if (core_policy_check(&j->pol, j->err) == 0)
			j->ok = 1;
		else
			config_free(&j->cfg);
	}
	atomic_store(&j->done, 1);
	return NULL;
}

static void
reload_start(struct daemon *d)
{
	struct reload_job	*j;

	if (d->reload != NULL) {
		d->reload_again = 1;
		log_info("config.reload_pending", "path=%s (the previous reload "
		    "is still reading)", d->config_path);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->path = d->config_path;
	atomic_init(&j->done, 0);
	if (pthread_create(&j->th, NULL, reload_main, j) != 0) {
		log_err("config.reload_failed", "error=\"cannot start the "
		    "reload thread\" (keeping the running config)");
		free(j);
		return;
	}
	d->reload = j;
}

/* On the tick thread: apply a finished reload, if any. */
static void
reload_apply(struct daemon *d)
{
	struct reload_job	*j = d->reload;
	struct metrics_config	 old_metrics;

	if (j == NULL || !atomic_load(&j->done))
		return;
	pthread_join(j->th, NULL);
	d->reload = NULL;
	if (!j->ok)
		log_err("config.reload_failed", "error=\"%s\" (keeping the "
		    "running config)", j->err);
	else {
		old_metrics = d->cfg.metrics;
		config_free(&d->cfg);
		d->cfg = j->cfg;
		d->pol = j->pol;
		metrics_daemon_reload(d, &old_metrics);
		log_set_level(d->cfg.log_level);
		sweep_thread_reconfig(&d->sweep, &d->cfg);
		d->bmc_targets_hash = 0;	/* re-send targets: credentials
						   may differ */
		/* the database settings apply from the next connection */
		log_info("config.reloaded", "path=%s", d->config_path);
	}
	free(j);
	if (d->reload_again) {
		d->reload_again = 0;
		reload_start(d);
	}
}

/* At exit: a reload still reading is left behind (the process ends). */
static void
reload_abandon(struct daemon *d)
{
	struct reload_job	*j = d->reload;

	if (j == NULL)
		return;
	d->reload = NULL;
	if (!atomic_load(&j->done)) {
		log_warn("config.reload_abandoned", "path=%s (still reading at "
		    "exit)", d->config_path);
		pthread_detach(j->th);
		return;		/* the thread owns j until the process ends */
	}
	pthread_join(j->th, NULL);
	if (j->ok)
		config_free(&j->cfg);
	free(j);
}

static void
shutdown_daemon(struct daemon *d)
{
	size_t	i;

	sd_notify(0, "STOPPING=1");
	reload_abandon(d);
	metrics_daemon_stop(d);
	sweep_thread_stop(&d->sweep);
	if (d->db_up) {
		leader_release(&d->leader, &d->db);
		db_close(&d->db);
	}
	if (d->bmc != NULL)
		bmc_pool_free(d->bmc);
	corroborate_free(d->corr);
	resolver_stop(d->resolver);
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

/*
 * Keep the passwords (database, BMCs, CloudStack key) out of core dumps:
 * no core file at all (RLIMIT_CORE 0, hard limit too, so nothing in this
 * process raises it again) and not dumpable (also denies other users'
 * ptrace and /proc/PID/mem).  Before the config, hence the secrets, is
 * read.  The unit file sets LimitCORE=0 as well.
 */
static int
no_core_dumps(char *err)
{
	struct rlimit	rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		set_err(err, "cannot disable core dumps: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* STATUS= is one line: the database error without control characters */
static void
status_db(const struct daemon *d, char *out, size_t len)
{
	size_t	i;

	if (d->db_up) {
		snprintf(out, len, "up");
		return;
	}
	snprintf(out, len, "down: %s", d->db_err[0] ? d->db_err :
	    "not connected yet");
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

static void
notify_tick(struct daemon *d)
{
	size_t	i, fenced = 0, alerts = d->nalerts, dead = 0;
	char	db[ERR_LEN + 16];

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
	status_db(d, db, sizeof(db));
	sd_notifyf(0, "WATCHDOG=1\nSTATUS=%s; %zu hosts, %zu dead, %zu fenced, "
	    "%zu alerts; db %s; tick %.0f ms", d->is_leader ? "leader" :
	    d->leader.refused[0] ? "standby (leadership refused: Galera)" :
	    "standby", d->inv.nhosts, dead, fenced, alerts, db,
	    d->last_tick_us / 1000.0);
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

/*
 * A woken round starts at least this long after the previous one ended:
 * a burst of BMC news (a rack losing power) then costs a few rounds, not a
 * busy loop, while a power-off still reaches the core within a round.
 */
#define TICK_WAKE_GAP_MS	50

enum wait_end { WAIT_TICK, WAIT_WOKEN, WAIT_STOP };

/* Drain the wake fds that fired; 1 if any had. */
static int
wake_drain(const struct pollfd *pfd, size_t n)
{
	uint64_t	v;
	size_t		i;
	int		fired = 0;

	for (i = 0; i < n; i++)
		if ((pfd[i].revents & POLLIN) &&
		    read(pfd[i].fd, &v, sizeof(v)) == sizeof(v))
			fired = 1;
	return fired;
}

/*
 * Sleep until next (monotonic ms), serving signals, or until the BMC pool
 * or a libvirt probe has news and TICK_WAKE_GAP_MS have passed since
 * last_end.
 */
static enum wait_end
wait_next_tick(struct daemon *d, int sfd, uint64_t next, uint64_t last_end)
{
	struct signalfd_siginfo	 si;
	struct pollfd		 pfd[3];
	uint64_t		 now, until = next;
	int			 r, stop = 0, woken = 0;
	nfds_t			 n = 2;

	pfd[0].fd = sfd;
	pfd[1].fd = bmc_pool_wake_fd(d->bmc);
	if ((pfd[2].fd = corroborate_wake_fd(d->corr)) != -1)
		n = 3;
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	for (;;) {
		now = clock_mono_ms();
		if (woken && now >= until)
			return WAIT_WOKEN;
		r = poll(pfd, woken ? 1 : n, until > now ? (int)(until - now) : 0);
		if (r == -1 && errno != EINTR) {
			log_err("daemon.poll", "error=\"%s\"", strerror(errno));
			return WAIT_STOP;
		}
		if (r == 0)
			return woken ? WAIT_WOKEN : WAIT_TICK;
		if (r < 0)
			continue;
		if (!woken && wake_drain(&pfd[1], n - 1)) {
			woken = 1;
			if (last_end + TICK_WAKE_GAP_MS < until)
				until = last_end + TICK_WAKE_GAP_MS;
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP)
				reload_start(d);
			else {
				log_info("daemon.signal", "signal=%s",
				    strsignal((int)si.ssi_signo));
				stop = 1;
			}
		}
		if (stop)
			return WAIT_STOP;
	}
}

/* Ticks at tick_interval, and at once on BMC news, until a signal says
 * stop.  A woken round does not move the regular schedule. */
static void
run_loop(struct daemon *d, int sfd)
{
	uint64_t	next, now, t0;
	enum wait_end	w = WAIT_TICK;

	next = clock_mono_ms();
	while (w != WAIT_STOP) {
		reload_apply(d);
		t0 = clock_mono_us();
		(void)tick_run(d, clock_mono_ms());
		d->last_tick_us = clock_mono_us() - t0;
		status_write(d);
		metrics_publish(d);
		notify_tick(d);
		if (w == WAIT_TICK)
			next += d->cfg.daemon.tick_interval_ms;
		else
			d->woken_ticks++;
		now = clock_mono_ms();
		if (next < now)		/* overran: start the next tick now */
			next = now;
		w = wait_next_tick(d, sfd, next, now);
	}
}

/* Workers (after signals_open(): threads inherit the blocked mask): BMC
 * pool, core state, name resolver, sweeper thread; -1 (err) on failure. */
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
	if ((d->resolver = resolver_start(err)) == NULL)
		return -1;
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
	if (no_core_dumps(err) == -1) {
		fprintf(stderr, "hawatch: run: %s\n", err);
		return EXIT_ERROR;
	}
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
