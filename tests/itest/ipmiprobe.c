/*
 * ipmiprobe.c -- integration probe: a small CLI over fence/ipmi.h and
 * fence/bmc_pool.h, driven by tests/integration/t_ipmi.sh.
 *
 *   ipmiprobe status|off|poll|guid HOST:PORT USER PASSFILE [options]
 *   guid: Get System GUID; prints guid=<as sent> and, with --uuid U,
 *         match=<1|0|-1> (ipmi_guid_matches against U)
 *     --cipher N  --priv operator|admin  --workaround NAME,...
 *     --session-timeout-ms N  --retrans-ms N  --fence-timeout-ms N
 *   status only: --repeat N   N sequential sessions (leak check); prints
 *                             the last result and ok=<successes>
 *   poll only (HOST:PORT, USER and PASSFILE may be comma lists; a single
 *   USER or PASSFILE applies to every host; host ids are 1, 2, ...):
 *     --workers N  --interval-ms N  --duration-ms N
 *     --fence ID@MS   request a fence of host ID at MS ms (twice, to show
 *                     deduplication); repeatable
 *     --reuse 0|1     keep one session per BMC (default 1) or open one per
 *                     operation
 *     --snapshot-ms N snapshot every N ms (default 20), as a daemon's tick
 *   poll ends with "stats ..." (bmc_pool_stats, process CPU time) and
 *   prints "wake t=..." whenever the pool's wake fd fired.
 *
 * The password is read from PASSFILE, never from argv.  Output is one
 * key=value line per result on stdout; libhawatch logs go to stderr.
 * Exit: 0 reading/fence confirmed, 1 BMC failure, 2 usage or config error.
 */
#include <sys/resource.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmc_pool.h"
#include "clock.h"
#include "ipmi.h"
#include "log.h"
#include "util.h"

#define MAX_HOSTS	16
#define MAX_FENCES	8

struct probe {
	struct ipmi_target	 base;
	unsigned		 fence_timeout_ms;
	unsigned		 workers, interval_ms, duration_ms, repeat;
	unsigned		 reuse, snapshot_ms;
	unsigned		 nfence;
	uint32_t		 fence_id[MAX_FENCES];
	unsigned		 fence_at[MAX_FENCES];
	const char		*uuid;		/* guid: compare with this */
};

/* Test tool: microsecond clock to show snapshots never wait on a BMC. */
static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void
usage(void)
{
	fprintf(stderr, "usage: ipmiprobe status|off|poll HOST:PORT USER "
	    "PASSFILE [--cipher N] [--priv operator|admin]\n"
	    "    [--workaround LIST] [--session-timeout-ms N] "
	    "[--retrans-ms N] [--fence-timeout-ms N]\n"
	    "    status: [--repeat N]\n"
	    "    poll: [--workers N] [--interval-ms N] [--duration-ms N] "
	    "[--fence ID@MS]... [--reuse 0|1] [--snapshot-ms N]\n");
	exit(2);
}

static unsigned
num(const char *opt, const char *s)
{
	uint64_t	v;

	if (s == NULL || parse_u64(s, &v) < 0 || v > 100000000u) {
		fprintf(stderr, "ipmiprobe: %s: bad number '%s'\n", opt,
		    s ? s : "");
		exit(2);
	}
	return (unsigned)v;
}

static void
parse_opts(struct probe *pr, int argc, char **argv)
{
	char		 err[ERR_LEN], *at;
	const char	*o, *v;
	int		 i;

	for (i = 0; i < argc; i++) {
		o = argv[i];
		if (i + 1 >= argc)
			usage();
		v = argv[++i];
		if (strcmp(o, "--cipher") == 0)
			pr->base.cipher_suite = (int)num(o, v);
		else if (strcmp(o, "--priv") == 0) {
			if (ipmi_privilege_parse(v, &pr->base.privilege,
			    err) < 0)
				goto bad;
		} else if (strcmp(o, "--workaround") == 0) {
			if (ipmi_workarounds_parse(v,
			    &pr->base.workaround_flags, err) < 0)
				goto bad;
		} else if (strcmp(o, "--session-timeout-ms") == 0)
			pr->base.session_timeout_ms = num(o, v);
		else if (strcmp(o, "--retrans-ms") == 0)
			pr->base.retrans_timeout_ms = num(o, v);
		else if (strcmp(o, "--fence-timeout-ms") == 0)
			pr->fence_timeout_ms = num(o, v);
		else if (strcmp(o, "--uuid") == 0)
			pr->uuid = v;
		else if (strcmp(o, "--repeat") == 0)
			pr->repeat = num(o, v);
		else if (strcmp(o, "--workers") == 0)
			pr->workers = num(o, v);
		else if (strcmp(o, "--interval-ms") == 0)
			pr->interval_ms = num(o, v);
		else if (strcmp(o, "--reuse") == 0)
			pr->reuse = num(o, v);
		else if (strcmp(o, "--snapshot-ms") == 0)
			pr->snapshot_ms = num(o, v);
		else if (strcmp(o, "--duration-ms") == 0)
			pr->duration_ms = num(o, v);
		else if (strcmp(o, "--fence") == 0) {
			if (pr->nfence >= MAX_FENCES ||
			    (at = strchr(v, '@')) == NULL)
				usage();
			*at = '\0';
			pr->fence_id[pr->nfence] = num(o, v);
			pr->fence_at[pr->nfence++] = num(o, at + 1);
		} else
			usage();
	}
	return;
bad:
	fprintf(stderr, "ipmiprobe: %s\n", err);
	exit(2);
}

/* Split a comma list into at most max items (modifies s). */
static size_t
split(char *s, char **out, size_t max)
{
	size_t	n = 0;
	char	*tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok != NULL && n < max;
	    tok = strtok_r(NULL, ",", &save))
		out[n++] = tok;
	return n;
}

static size_t
load_targets(struct probe *pr, char *addrs, char *users, char *files,
    struct ipmi_target *t)
{
	char	*a[MAX_HOSTS], *u[MAX_HOSTS], *f[MAX_HOSTS], err[ERR_LEN];
	size_t	 na, nu, nf, i;

	na = split(addrs, a, MAX_HOSTS);
	nu = split(users, u, MAX_HOSTS);
	nf = split(files, f, MAX_HOSTS);
	if (na == 0 || (nu != 1 && nu != na) || (nf != 1 && nf != na)) {
		fprintf(stderr, "ipmiprobe: need 1..%d hosts and 1 or as many "
		    "users and password files\n", MAX_HOSTS);
		exit(2);
	}
	for (i = 0; i < na; i++) {
		t[i] = pr->base;
		if (ipmi_target_set_addr(&t[i], a[i], err) < 0)
			goto bad;
		snprintf(t[i].user, sizeof(t[i].user), "%s",
		    u[nu == 1 ? 0 : i]);
		if (ipmi_password_load(f[nf == 1 ? 0 : i], t[i].password,
		    sizeof(t[i].password), err) < 0)
			goto bad;
		if (ipmi_target_check(&t[i], err) < 0)
			goto bad;
	}
	return na;
bad:
	fprintf(stderr, "ipmiprobe: %s\n", err);
	exit(2);
}

static int
do_status(const struct ipmi_target *t, unsigned repeat)
{
	enum bmc_status	st = BMC_ERROR;
	char		err[ERR_LEN] = "", q[ERR_LEN + 16], addr[IPMI_ADDR_LEN];
	uint64_t	t0 = 0;
	unsigned	i, ok = 0;
	int		rc = -1;

	for (i = 0; i < repeat; i++) {
		t0 = clock_mono_ms();
		if ((rc = ipmi_power_status(t, &st, err)) == 0)
			ok++;
	}
	printf("status=%s addr=%s elapsed_ms=%llu ok=%u error=%s\n",
	    bmc_status_name(st), ipmi_target_addr(t, addr, sizeof(addr)),
	    (unsigned long long)(clock_mono_ms() - t0), ok,
	    log_quote(q, sizeof(q), rc == 0 ? "" : err));
	return ok == repeat ? 0 : 1;
}

static int
do_off(const struct ipmi_target *t, unsigned timeout_ms)
{
	struct fence_report	r;
	char			err[ERR_LEN] = "", q[ERR_LEN + 16];
	int			rc;

	rc = ipmi_fence(t, timeout_ms, &r, err);
	printf("fence=%s first=%s last=%s control_sent=%d reads=%u "
	    "elapsed_ms=%llu error=%s\n", fence_result_name(r.result),
	    bmc_status_name(r.first), bmc_status_name(r.last), r.control_sent,
	    r.reads, (unsigned long long)r.elapsed_ms,
	    log_quote(q, sizeof(q), rc == 0 ? "" : err));
	return rc == 0 ? 0 : 1;
}

static void
print_view(const char *tag, uint64_t t, uint32_t id, const char *addr,
    const struct bmc_view *v)
{
	char	q1[300], q2[300];

	printf("%s t=%llu host=%u addr=%s status=%s power_seq=%llu fence=%s "
	    "fence_seq=%llu err=%s fence_err=%s\n", tag,
	    (unsigned long long)t, id, addr, bmc_status_name(v->last_status),
	    (unsigned long long)v->power_seq, fence_result_name(v->fence),
	    (unsigned long long)v->fence_seq,
	    log_quote(q1, sizeof(q1), v->last_err),
	    log_quote(q2, sizeof(q2), v->fence_err));
}

/* Sleep up to ms, or until the pool's wake fd fires (then print it). */
static void
wait_wake(struct bmc_pool *pool, uint64_t t0, unsigned ms)
{
	struct pollfd	pfd = { bmc_pool_wake_fd(pool), POLLIN, 0 };
	uint64_t	v;

	if (poll(&pfd, 1, (int)ms) == 1 &&
	    read(pfd.fd, &v, sizeof(v)) == sizeof(v))
		printf("wake t=%llu n=%llu\n",
		    (unsigned long long)(clock_mono_ms() - t0),
		    (unsigned long long)v);
}

/* The pool's counters and this process's CPU time, per BMC and minute. */
static void
print_stats(struct bmc_pool *pool, uint64_t ms, size_t n)
{
	struct bmc_pool_stats	s;
	struct rusage		ru;
	double			cpu_us, min = (double)ms / 60000.0;

	bmc_pool_stats(pool, &s);
	getrusage(RUSAGE_SELF, &ru);
	cpu_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
	    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	printf("stats ms=%llu bmcs=%zu opens=%llu open_failures=%llu "
	    "polls=%llu polls_failed=%llu reads_reused=%llu reopen_idle=%llu "
	    "reopen_error=%llu confirms=%llu wakes=%llu fences=%llu "
	    "sessions_open=%llu handshakes_per_min_per_bmc=%.2f "
	    "poll_wall_us=%.0f cpu_us_per_poll=%.0f\n",
	    (unsigned long long)ms, n, (unsigned long long)s.opens,
	    (unsigned long long)s.open_failures, (unsigned long long)s.polls,
	    (unsigned long long)s.polls_failed,
	    (unsigned long long)s.reads_reused,
	    (unsigned long long)s.reopen_idle,
	    (unsigned long long)s.reopen_error, (unsigned long long)s.confirms,
	    (unsigned long long)s.wakes, (unsigned long long)s.fences,
	    (unsigned long long)s.sessions_open,
	    min > 0 ? (double)s.opens / min / (double)n : 0.0,
	    s.polls ? (double)s.poll_us / (double)s.polls : 0.0,
	    s.polls ? cpu_us / (double)s.polls : 0.0);
}

static int
do_poll(struct probe *pr, struct ipmi_target *t, size_t n)
{
	struct bmc_pool	*pool;
	struct bmc_view	 v, last[MAX_HOSTS];
	uint32_t	 ids[MAX_HOSTS];
	char		 addr[MAX_HOSTS][IPMI_ADDR_LEN];
	uint64_t	 t0, now, s0, d, max_us = 0;
	unsigned	 i, fired = 0;
	int		 r1, r2;
	size_t		 j;

	pool = bmc_pool_new(pr->workers, pr->interval_ms);
	if (pool == NULL)
		return 2;
	bmc_pool_set_reuse(pool, (int)pr->reuse);
	for (j = 0; j < n; j++) {
		ids[j] = (uint32_t)(j + 1);
		ipmi_target_addr(&t[j], addr[j], sizeof(addr[j]));
	}
	memset(last, 0, sizeof(last));
	if (bmc_pool_set_targets(pool, ids, t, n) < 0) {
		bmc_pool_free(pool);
		return 2;
	}
	t0 = clock_mono_ms();
	while ((now = clock_mono_ms()) - t0 < pr->duration_ms) {
		for (i = 0; i < pr->nfence; i++) {
			if (fired & (1u << i) || now - t0 < pr->fence_at[i])
				continue;
			fired |= 1u << i;
			r1 = bmc_pool_request_fence(pool, pr->fence_id[i],
			    pr->fence_timeout_ms);
			r2 = bmc_pool_request_fence(pool, pr->fence_id[i],
			    pr->fence_timeout_ms);
			printf("fence_request t=%llu host=%u rc=%d again=%d\n",
			    (unsigned long long)(now - t0), pr->fence_id[i],
			    r1, r2);
		}
		for (j = 0; j < n; j++) {
			s0 = now_us();
			bmc_pool_snapshot(pool, ids[j], &v);
			d = now_us() - s0;
			if (d > max_us)
				max_us = d;
			if (v.power_seq != last[j].power_seq ||
			    v.fence_seq != last[j].fence_seq ||
			    v.fence != last[j].fence)
				print_view("view", now - t0, ids[j], addr[j],
				    &v);
			last[j] = v;
		}
		fflush(stdout);
		wait_wake(pool, t0, pr->snapshot_ms);
	}
	for (j = 0; j < n; j++) {
		bmc_pool_snapshot(pool, ids[j], &v);
		print_view("final", clock_mono_ms() - t0, ids[j], addr[j], &v);
	}
	print_stats(pool, clock_mono_ms() - t0, n);
	s0 = clock_mono_ms();
	bmc_pool_free(pool);
	printf("done snapshot_max_us=%llu free_ms=%llu\n",
	    (unsigned long long)max_us,
	    (unsigned long long)(clock_mono_ms() - s0));
	return 0;
}

static int
do_guid(const struct ipmi_target *t, const char *uuid)
{
	uint8_t	g[16];
	char	f[37], err[ERR_LEN];

	if (ipmi_system_guid(t, g, err) == -1) {
		printf("error=\"%s\"\n", err);
		return 1;
	}
	ipmi_guid_format(g, f);
	printf("guid=%s", f);
	if (uuid != NULL)
		printf(" match=%d", ipmi_guid_matches(g, uuid));
	printf("\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct probe		pr;
	struct ipmi_target	t[MAX_HOSTS];
	char			err[ERR_LEN];
	size_t			n, i;
	int			rc;

	if (argc < 5)
		usage();
	memset(&pr, 0, sizeof(pr));
	ipmi_target_init(&pr.base);
	pr.fence_timeout_ms = 10000;
	pr.workers = 2;
	pr.interval_ms = 500;
	pr.duration_ms = 3000;
	pr.repeat = 1;
	pr.reuse = 1;
	pr.snapshot_ms = 20;
	parse_opts(&pr, argc - 5, argv + 5);
	n = load_targets(&pr, argv[2], argv[3], argv[4], t);
	if (ipmi_global_init(err) < 0) {
		fprintf(stderr, "ipmiprobe: %s\n", err);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "status") == 0 && n == 1)
		rc = do_status(&t[0], pr.repeat);
	else if (strcmp(argv[1], "off") == 0 && n == 1)
		rc = do_off(&t[0], pr.fence_timeout_ms);
	else if (strcmp(argv[1], "poll") == 0)
		rc = do_poll(&pr, t, n);
	else if (strcmp(argv[1], "guid") == 0 && n == 1)
		rc = do_guid(&t[0], pr.uuid);
	else
		usage();
	for (i = 0; i < n; i++)
		ipmi_target_clear(&t[i]);
	ipmi_target_clear(&pr.base);
	return rc;
}
