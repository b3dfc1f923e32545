/*
 * status.c -- the daemon's status file, read by `hawatch status`.
 *
 * After every tick the daemon writes one JSON document to
 * daemon.status_file (mode 0600, through a fresh temp file in the same
 * directory + rename, so a reader never sees half of one): who it is, whether it leads, the database state, and per host the
 * core's state, the heartbeat age per pool, the BMC power reading, alerts
 * and the last action with its time.  Beside it, <status_file>.txt holds
 * the same as a table for `hawatch status`.  A write failure is logged
 * once and never stops the daemon.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "console_watch.h"
#include "daemon.h"
#include "log.h"
#include "sbuf.h"

/* The BMC pool's counters: session handshakes, reuse, wake-ups. */
static void
status_bmc_json(struct daemon *d, struct sbuf *o)
{
	struct bmc_pool_stats	st;

	if (d->bmc == NULL)
		return;
	bmc_pool_stats(d->bmc, &st);
	sbuf_add(o, ",\"bmc\":{\"sessions_open\":%llu,\"opens\":%llu,"
	    "\"open_failures\":%llu,\"polls\":%llu,\"reads_reused\":%llu,"
	    "\"reopen_idle\":%llu,\"reopen_error\":%llu,\"confirms\":%llu,"
	    "\"wakes\":%llu,\"woken_ticks\":%llu}",
	    (unsigned long long)st.sessions_open,
	    (unsigned long long)st.opens, (unsigned long long)st.open_failures,
	    (unsigned long long)st.polls, (unsigned long long)st.reads_reused,
	    (unsigned long long)st.reopen_idle,
	    (unsigned long long)st.reopen_error,
	    (unsigned long long)st.confirms, (unsigned long long)st.wakes,
	    (unsigned long long)d->woken_ticks);
}

static void
host_json(struct daemon *d, struct sbuf *o, size_t i, uint64_t now)
{
	const struct inv_host		*h = &d->inv.hosts[i];
	const struct host_extra		*x = &d->extra[i];
	const struct host_core_view	*v = core_host_view(d->core, h->id);
	size_t				 k;

	sbuf_add(o, "%s{\"id\":%llu,\"name\":", i ? "," : "",
	    (unsigned long long)h->id);
	sbuf_json_str(o, h->name);
	sbuf_add(o, ",\"ip\":");
	sbuf_json_str(o, h->ip);
	sbuf_add(o, ",\"cluster\":%llu,\"cloudstack_status\":",
	    (unsigned long long)h->cluster_id);
	sbuf_json_str(o, h->status);
	sbuf_add(o, ",\"resource_state\":");
	sbuf_json_str(o, h->resource_state);
	sbuf_add(o, ",\"vms_active\":%u,\"duplicate_ip\":%s", h->vms_active,
	    h->dup_ip ? "true" : "false");
	if (v != NULL) {
		sbuf_add(o, ",\"state\":\"%s\",\"since_ms_ago\":%llu,"
		    "\"why\":\"%s\",\"hold\":\"%s\",\"power\":\"%s\","
		    "\"fence_attempts\":%u,\"alert\":",
		    host_state_name(v->state),
		    (unsigned long long)(now - v->since_ms),
		    act_why_name(v->why), act_why_name(v->hold),
		    pwr_obs_name(v->power), v->fence_attempts);
		if (v->alert)
			sbuf_json_str(o, act_why_name(v->alert_why));
		else
			sbuf_add(o, "null");
		sbuf_add(o, ",\"pools\":[");
		for (k = 0; k < v->npools; k++)
			sbuf_add(o, "%s{\"id\":%u,\"heartbeat\":\"%s\","
			    "\"readable\":%s,\"age_ms\":%lld}", k ? "," : "",
			    v->pools[k].pool_id,
			    hb_status_name(v->pools[k].status),
			    v->pools[k].readable ? "true" : "false",
			    (long long)((int64_t)now -
			    v->pools[k].last_change_ms));
		sbuf_add(o, "]");
	}
	sbuf_add(o, ",\"console_bytes\":%llu",
	    (unsigned long long)console_watch_bytes(d, h->id));
	sbuf_add(o, ",\"last_action\":");
	sbuf_json_str(o, x->last_action[0] ? x->last_action : NULL);
	sbuf_add(o, ",\"last_action_wall_ms\":%llu}",
	    (unsigned long long)x->last_action_wall_ms);
}

/* restart assurance (S10): what the leader's last pass watched */
static void
restarts_json(const struct daemon *d, struct sbuf *o)
{
	const struct ra_result	*r = &d->restarts;
	size_t			 i;
	int			 first = 1;

	sbuf_add(o, ",\"restarts\":{\"watching\":%u,\"given_up\":[",
	    r->n_watching);
	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];

		if (!restart_verdict_alerts(v->verdict))
			continue;
		sbuf_add(o, "%s{\"vm_id\":%llu,\"instance_name\":",
		    first ? "" : ",", (unsigned long long)v->vm_id);
		sbuf_json_str(o, v->instance_name);
		sbuf_add(o, ",\"host_id\":%llu,\"requeues\":%u,\"why\":\"%s\","
		    "\"reason\":", (unsigned long long)v->host_id, v->requeues,
		    restart_verdict_name(v->verdict));
		sbuf_json_str(o, v->reason);
		sbuf_add(o, "}");
		first = 0;
	}
	sbuf_add(o, "]}");
}

static void
restarts_text(const struct daemon *d, struct sbuf *o)
{
	const struct ra_result	*r = &d->restarts;
	size_t			 i;

	if (!d->is_leader)
		return;
	sbuf_add(o, "restarts: %u HA restarts queued by hawatch watched, %u "
	    "given up\n", r->n_watching, r->n_given_up);
	for (i = 0; i < r->n; i++) {
		const struct ra_vm *v = &r->v[i];

		if (restart_verdict_alerts(v->verdict))
			sbuf_add(o, "  GIVEN UP: VM %llu %s (fenced host %llu, "
			    "%u re-queues): %s: %s\n",
			    (unsigned long long)v->vm_id, v->instance_name,
			    (unsigned long long)v->host_id, v->requeues,
			    restart_verdict_name(v->verdict), v->reason);
	}
}

static void
fmt_age(char *buf, size_t len, int64_t ms)
{
	if (ms < 0)
		snprintf(buf, len, "-");
	else if (ms < 10000)
		snprintf(buf, len, "%.1fs", ms / 1000.0);
	else if (ms < 600000)
		snprintf(buf, len, "%llds", (long long)(ms / 1000));
	else
		snprintf(buf, len, "%lldm", (long long)(ms / 60000));
}

/* one line naming the hosts that share a private IP (issue 11) */
static void
status_dup_ips(struct daemon *d, struct sbuf *o)
{
	size_t	i, n = 0;

	for (i = 0; i < d->inv.nhosts; i++)
		if (d->inv.hosts[i].dup_ip)
			sbuf_add(o, "%s %llu (%s)", n++ ? "," : "duplicate IPs "
			    "(one heartbeat file, held, never fenced):",
			    (unsigned long long)d->inv.hosts[i].id,
			    d->inv.hosts[i].ip);
	if (n > 0)
		sbuf_add(o, "\n");
}

static void
status_text(struct daemon *d, struct sbuf *o, uint64_t now)
{
	const struct host_core_view	*v;
	const struct inv_host		*h;
	const struct host_extra		*x;
	struct sweep_summary		 sw;
	uint64_t			 wall = clock_wall_ms();
	char				 a[32], pools[160], act[140];
	size_t				 i, k, n;

	sbuf_add(o, "instance %s (pid %d): %s, database %s%s%s, tick %llu "
	    "(%.1f ms)\n", d->instance, (int)getpid(),
	    d->is_leader ? "LEADER" : "standby", d->db_up ? "up" : "DOWN",
	    d->db_up ? "" : ": ", d->db_up ? "" : d->db_err,
	    (unsigned long long)d->ticks, d->last_tick_us / 1000.0);
	if (d->leader.refused[0] != '\0')
		sbuf_add(o, "leadership refused: %s\n", d->leader.refused);
	sbuf_add(o, "%-6s %-14s %-15s %-12s %-7s %-7s %-24s %-4s %-18s %s\n",
	    "HOST", "NAME", "IP", "STATE", "SINCE", "POWER",
	    "HEARTBEAT AGE (POOL)", "VMS", "ALERT", "LAST ACTION");
	for (i = 0; i < d->inv.nhosts; i++) {
		h = &d->inv.hosts[i];
		x = &d->extra[i];
		v = core_host_view(d->core, h->id);
		pools[0] = '\0';
		for (k = 0, n = 0; v != NULL && k < v->npools; k++) {
			if (v->pools[k].status == HB_OK)
				fmt_age(a, sizeof(a), (int64_t)now -
				    v->pools[k].last_change_ms);
			else
				snprintf(a, sizeof(a), "%s",
				    hb_status_name(v->pools[k].status));
			n += (size_t)snprintf(pools + n, sizeof(pools) - n,
			    "%s%s(%u)", k ? " " : "", a, v->pools[k].pool_id);
			if (n >= sizeof(pools))
				break;
		}
		if (x->last_action[0] != '\0') {
			fmt_age(a, sizeof(a), (int64_t)(wall -
			    x->last_action_wall_ms));
			snprintf(act, sizeof(act), "%s, %s ago", x->last_action,
			    a);
		} else
			snprintf(act, sizeof(act), "-");
		fmt_age(a, sizeof(a), v ? (int64_t)(now - v->since_ms) : -1);
		sbuf_add(o, "%-6llu %-14.14s %-15.15s %-12s %-7s %-7s %-24s %-4u "
		    "%-18s %s\n", (unsigned long long)h->id, h->name, h->ip,
		    v ? host_state_name(v->state) : "-", a,
		    v ? pwr_obs_name(v->power) : "-",
		    pools[0] ? pools : "-", h->vms_active,
		    h->dup_ip ? "duplicate_ip" : v && v->alert ?
		    act_why_name(v->alert_why) : "-", act);
	}
	status_dup_ips(d, o);
	sweep_thread_summary(&d->sweep, &sw);
	if (!d->cfg.sweep.enabled)
		sbuf_add(o, "sweeper: disabled\n");
	else if (sw.runs == 0)
		sbuf_add(o, "sweeper: no run yet (every %llus)\n",
		    (unsigned long long)(d->cfg.sweep.interval_ms / 1000));
	else {
		fmt_age(a, sizeof(a), (int64_t)(wall - sw.last_run_wall_ms));
		sbuf_add(o, "sweeper: %llu runs, last %s ago: %u paused domains, "
		    "%u actions executed (%u failed), %u hosts unreachable, "
		    "%u stale backups\n", (unsigned long long)sw.runs, a,
		    sw.paused, sw.executed, sw.failed, sw.host_errors,
		    sw.stale_backups);
	}
	restarts_text(d, o);
	for (i = 0; i < d->nalerts; i++) {
		fmt_age(a, sizeof(a), (int64_t)(wall -
		    d->alerts[i].since_wall_ms));
		sbuf_add(o, "%s  %s: host %llu cluster %llu pool %u, for %s\n",
		    i == 0 ? "alerts:\n" : "", act_why_name(d->alerts[i].why),
		    (unsigned long long)d->alerts[i].host_id,
		    (unsigned long long)d->alerts[i].cluster_id,
		    d->alerts[i].pool_id, a);
	}
}

/*
 * Write o to path through <path>.tmp in the same directory, then rename.
 * The temp file is created afresh, owner-only, never through a link
 * (O_EXCL|O_NOFOLLOW): a symlink planted at either name in a shared
 * directory makes the write fail, it never writes to the link's target.
 */
static int
write_atomic(const char *path, const struct sbuf *o)
{
	char	tmp[CFG_STR + 16];
	size_t	off = 0;
	ssize_t	w;
	int	fd, e;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (unlink(tmp) == -1 && errno != ENOENT)	/* a crash's leftover */
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	while (off < o->len) {
		if ((w = write(fd, o->s + off, o->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fchmod(fd, 0600) == -1 || close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	return 0;
fail:
	e = errno;
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	errno = e;
	return -1;
}

void
status_write(struct daemon *d)
{
	static int	 warned;
	struct sbuf	 o;
	struct sweep_summary sw;
	char		 txt[CFG_STR + 16];
	const char	*path = d->cfg.daemon.status_file;
	uint64_t	 now = clock_mono_ms();
	size_t		 i;
	int		 r;

	if (path[0] == '\0')
		return;
	sbuf_init(&o);
	sbuf_add(&o, "{\"instance\":");
	sbuf_json_str(&o, d->instance);
	sbuf_add(&o, ",\"pid\":%d,\"updated_wall_ms\":%llu,\"tick\":%llu,"
	    "\"tick_ms\":%.1f,\"phase_ms\":{\"inventory\":%.1f,"
	    "\"observe\":%.1f,\"core\":%.1f,\"act\":%.1f},\"uptime_ms\":%llu,\"leader\":%s,\"db\":\"%s\","
	    "\"db_error\":", (int)getpid(),
	    (unsigned long long)clock_wall_ms(), (unsigned long long)d->ticks,
	    d->last_tick_us / 1000.0, d->phase_us[0] / 1000.0,
	    d->phase_us[1] / 1000.0, d->phase_us[2] / 1000.0,
	    d->phase_us[3] / 1000.0, (unsigned long long)(now - d->start_ms),
	    d->is_leader ? "true" : "false", d->db_up ? "up" : "down");
	sbuf_json_str(&o, d->db_up ? NULL : d->db_err);
	sbuf_add(&o, ",\"leader_refused\":");
	sbuf_json_str(&o, d->leader.refused[0] ? d->leader.refused : NULL);
	status_bmc_json(d, &o);
	sbuf_add(&o, ",\"hosts\":[");
	for (i = 0; i < d->inv.nhosts; i++)
		host_json(d, &o, i, now);
	sbuf_add(&o, "],\"pools\":[");
	for (i = 0; i < d->nslots; i++) {
		sbuf_add(&o, "%s{\"id\":%llu,\"spec\":", i ? "," : "",
		    (unsigned long long)d->slots[i].pool_id);
		sbuf_json_str(&o, d->slots[i].spec);
		sbuf_add(&o, ",\"readable\":%s,\"ok\":%u,\"unknown\":%u,"
		    "\"garbage\":%u,\"missing\":%u,\"elapsed_ms\":%llu,"
		    "\"error\":", d->slots[i].st.readable ? "true" : "false",
		    d->slots[i].st.n_ok, d->slots[i].st.n_unknown,
		    d->slots[i].st.n_garbage, d->slots[i].st.n_missing,
		    (unsigned long long)d->slots[i].st.elapsed_ms);
		sbuf_json_str(&o, d->slots[i].st.err[0] ? d->slots[i].st.err :
		    NULL);
		sbuf_add(&o, "}");
	}
	sweep_thread_summary(&d->sweep, &sw);
	sbuf_add(&o, "],\"sweep\":{\"enabled\":%s,\"runs\":%llu,"
	    "\"last_run_wall_ms\":%llu,\"elapsed_ms\":%llu,\"paused\":%u,"
	    "\"actions\":%u,\"executed\":%u,\"failed\":%u,"
	    "\"host_errors\":%u,\"stale_backups\":%u}",
	    d->cfg.sweep.enabled ? "true" : "false",
	    (unsigned long long)sw.runs,
	    (unsigned long long)sw.last_run_wall_ms,
	    (unsigned long long)sw.elapsed_ms, sw.paused, sw.actions,
	    sw.executed, sw.failed, sw.host_errors, sw.stale_backups);
	restarts_json(d, &o);
	sbuf_add(&o, ",\"alerts\":[");
	for (i = 0; i < d->nalerts; i++)
		sbuf_add(&o, "%s{\"host\":%llu,\"cluster\":%llu,\"pool\":%u,"
		    "\"why\":\"%s\",\"since_wall_ms\":%llu}", i ? "," : "",
		    (unsigned long long)d->alerts[i].host_id,
		    (unsigned long long)d->alerts[i].cluster_id,
		    d->alerts[i].pool_id, act_why_name(d->alerts[i].why),
		    (unsigned long long)d->alerts[i].since_wall_ms);
	sbuf_add(&o, "]}\n");

	r = write_atomic(path, &o);
	sbuf_reset(&o);
	status_text(d, &o, now);
	snprintf(txt, sizeof(txt), "%s.txt", path);
	if (r == -1 || write_atomic(txt, &o) == -1) {
		if (!warned)
			log_warn("status.write_failed", "path=%s error=\"%s\"",
			    path, strerror(errno));
		warned = 1;
	} else
		warned = 0;
	sbuf_free(&o);
}
