/*
 * hbprobe.c -- small CLI over heartbeat.h for the integration tests and
 * the tick benchmark.  Not part of the daemon.
 *
 *   hbprobe [options] POOL [POOL...] IPS
 *     POOL   nfs://host[:port]/export/path?... or an absolute directory
 *     IPS    ip1,ip2,...  or  @FILE (IPs separated by commas or newlines)
 *   --rounds N         rounds to run (default 1; with --step, until EOF)
 *   --interval-ms M    pause between rounds (default 1000)
 *   --deadline-ms D    deadline of each hb_read_all call (default 2000)
 *   --rpc-timeout-ms T / --mount-timeout-ms T / --max-inflight N
 *   --dirscan-min N    list KVMHA/ from N hosts a pool on (0 never)
 *   --dirscan-v4       list over NFSv4 too (default: v3 only)
 *   --no-cache         read content every round (hb_opts.always_read)
 *   --step             before each round read one line from stdin (EOF
 *                      ends); lets a test change files between rounds
 *   --quiet            no per-host lines
 *   --attached         IPS holds one group per pool, separated by ';'
 *                      (ip1,ip2;ip3,...): pool P reads only group P, as
 *                      CloudStack's storage_pool_host_ref (hb_read_hosts)
 *
 * Output, one round after the other (flushed at "end round=R"):
 *   IP STATUS VALUE MTIME_MS pool=P round=R [err="..."]
 *   pool=P round=R readable=0|1 busy=0|1 ok=N garbage=N missing=N
 *       unknown=N elapsed_ms=N [err="..."]
 *   round=R elapsed_ms=F deadline_ms=D       (measured here, in us)
 *   end round=R
 * and finally
 *   summary rounds=N first_ms=F p50_ms=F p99_ms=F max_ms=F rss_kb=N hwm_kb=N
 * where p50/p99/max cover rounds 2..N (steady state) when N > 1.
 *
 * Exit: 0 ran, 1 a pool did not open, 64 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "heartbeat.h"
#include "log.h"
#include "util.h"

/* us resolution for the benchmark; clock.h only offers ms */

/* the probe prints statuses in capitals (OK, UNKNOWN, ...): easy to grep */
static const char *
status_upper(enum hb_status s)
{
	static char	buf[16];
	const char	*n = hb_status_name(s);
	size_t		 i;

	for (i = 0; n[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
	buf[i] = '\0';
	return buf;
}

static double
now_ms_f(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
usage(void)
{
	fprintf(stderr, "usage: hbprobe [--rounds N] [--interval-ms M] "
	    "[--deadline-ms D] [--rpc-timeout-ms T] [--mount-timeout-ms T]\n"
	    "               [--max-inflight N] [--no-cache] [--step] "
	    "[--quiet] [--attached]\n"
	    "               POOL [POOL...] ip1,ip2,...|@FILE\n");
	exit(64);
}

static long
status_kb(const char *key)
{
	FILE	*f;
	char	 line[256];
	long	 v = -1;
	size_t	 n = strlen(key);

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Split s (modified) on commas, newlines and spaces into a new array. */
static char **
split_ips(char *s, size_t *n)
{
	char	**v = NULL, *tok, *save = NULL;
	size_t	  cap = 0;

	*n = 0;
	for (tok = strtok_r(s, ",\n \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ",\n \t", &save)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((v = realloc(v, cap * sizeof(*v))) == NULL)
				abort();
		}
		v[(*n)++] = tok;
	}
	return v;
}

static char *
read_file(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(64);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xcalloc((size_t)len + 1, 1);
	if (len > 0 && fread(buf, 1, (size_t)len, f) != (size_t)len)
		abort();
	fclose(f);
	return buf;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* which rows a round has: pool p's rows are row[off[p] .. off[p+1]) */
struct rows {
	size_t		 *off;		/* npools + 1 */
	const char	**ip;		/* per row */
};

static void
print_round(size_t r, struct hb_pool **pools, size_t npools,
    const struct rows *rw, const struct hb_result *out,
    const struct hb_pool_status *pst, double elapsed, uint64_t deadline,
    int quiet)
{
	const struct hb_result		*x;
	const struct hb_pool_status	*s;
	char				 q[HB_ERR_LEN * 2 + 8];
	size_t				 p, i;

	for (p = 0; p < npools; p++) {
		for (i = rw->off[p]; !quiet && i < rw->off[p + 1]; i++) {
			x = &out[i];
			printf("%s %s %llu %lld pool=%zu round=%zu", rw->ip[i],
			    status_upper(x->status),
			    (unsigned long long)x->value,
			    (long long)x->mtime_ms, p, r);
			if (x->err[0] != '\0')
				printf(" err=%s",
				    log_quote(q, sizeof(q), x->err));
			printf("\n");
		}
		s = &pst[p];
		printf("pool=%zu round=%zu kind=%s readable=%d busy=%d ok=%u "
		    "garbage=%u missing=%u unknown=%u elapsed_ms=%llu", p, r,
		    hb_pool_kind(pools[p]), s->readable, s->busy, s->n_ok,
		    s->n_garbage, s->n_missing, s->n_unknown,
		    (unsigned long long)s->elapsed_ms);
		if (s->err[0] != '\0')
			printf(" err=%s", log_quote(q, sizeof(q), s->err));
		printf("\n");
	}
	printf("round=%zu elapsed_ms=%.3f deadline_ms=%llu\nend round=%zu\n",
	    r, elapsed, (unsigned long long)deadline, r);
	fflush(stdout);
}

/* --attached: split "g0;g1;..." into one selection per pool over ips */
static struct hb_pool_hosts *
attach_groups(char *arg, size_t npools, char ***ips, size_t *nips,
    struct rows *rw)
{
	struct hb_pool_hosts	*sel = xcalloc(npools, sizeof(*sel));
	char			**grp, *rest = arg, **one;
	uint32_t		*idx;
	size_t			 p, n, k;

	grp = xcalloc(npools, sizeof(*grp));
	for (p = 0; p < npools; p++)	/* an empty group: nothing there */
		if ((grp[p] = strsep(&rest, ";")) == NULL)
			grp[p] = (char *)"";
	*ips = NULL;
	*nips = 0;
	for (p = 0; p < npools; p++) {
		one = split_ips(grp[p], &n);
		*ips = realloc(*ips, (*nips + n + 1) * sizeof(**ips));
		idx = xcalloc(n + 1, sizeof(*idx));
		if (*ips == NULL)
			abort();
		for (k = 0; k < n; k++) {
			idx[k] = (uint32_t)*nips;
			(*ips)[(*nips)++] = one[k];
		}
		sel[p].idx = idx;
		sel[p].n = n;
		free(one);
	}
	free(grp);
	rw->off = xcalloc(npools + 1, sizeof(*rw->off));
	rw->ip = xcalloc(*nips + 1, sizeof(*rw->ip));
	for (p = 0; p < npools; p++) {
		rw->off[p + 1] = rw->off[p] + sel[p].n;
		for (k = 0; k < sel[p].n; k++)
			rw->ip[rw->off[p] + k] = (*ips)[sel[p].idx[k]];
	}
	return sel;
}

static void
rows_all(size_t npools, char **ips, size_t nips, struct rows *rw)
{
	size_t	p, k;

	rw->off = xcalloc(npools + 1, sizeof(*rw->off));
	rw->ip = xcalloc(npools * nips + 1, sizeof(*rw->ip));
	for (p = 0; p < npools; p++) {
		rw->off[p + 1] = rw->off[p] + nips;
		for (k = 0; k < nips; k++)
			rw->ip[rw->off[p] + k] = ips[k];
	}
}

int
main(int argc, char **argv)
{
	struct hb_opts		 opts;
	struct hb_pool		**pools;
	struct hb_result	*out;
	struct hb_pool_status	*pst;
	char			**ips, *iparg, err[ERR_LEN], line[256];
	const char		*a;
	double			*times, t0, first = 0;
	uint64_t		 rounds = 0, interval = 1000, v;
	uint64_t		 deadline = 2000;
	size_t			 npools, nips, p, r, nt, npos = 0, tcap = 0;
	int			 i, step = 0, quiet = 0, attached = 0;
	struct hb_pool_hosts	*sel = NULL;
	struct rows		 rw;
	char			**pos;

	hb_opts_default(&opts);
	pos = xcalloc((size_t)argc, sizeof(*pos));
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (strcmp(a, "--no-cache") == 0)
			opts.always_read = 1;
		else if (strcmp(a, "--step") == 0)
			step = 1;
		else if (strcmp(a, "--quiet") == 0)
			quiet = 1;
		else if (strcmp(a, "--attached") == 0)
			attached = 1;
		else if (strcmp(a, "--dirscan-v4") == 0)
			opts.dirscan_v4 = 1;
		else if (strncmp(a, "--", 2) == 0) {
			if (i + 1 >= argc || parse_u64(argv[i + 1], &v) == -1)
				usage();
			i++;
			if (strcmp(a, "--rounds") == 0)
				rounds = v;
			else if (strcmp(a, "--interval-ms") == 0)
				interval = v;
			else if (strcmp(a, "--deadline-ms") == 0)
				deadline = v;
			else if (strcmp(a, "--rpc-timeout-ms") == 0)
				opts.rpc_timeout_ms = (uint32_t)v;
			else if (strcmp(a, "--mount-timeout-ms") == 0)
				opts.mount_timeout_ms = (uint32_t)v;
			else if (strcmp(a, "--max-inflight") == 0)
				opts.max_inflight = (uint32_t)v;
			else if (strcmp(a, "--dirscan-min") == 0)
				opts.dirscan_min = (uint32_t)v;
			else
				usage();
		} else
			pos[npos++] = argv[i];
	}
	if (npos < 2)
		usage();
	if (rounds == 0)	/* default: 1, or until EOF with --step */
		rounds = step ? UINT64_MAX : 1;
	npools = npos - 1;
	iparg = pos[npos - 1][0] == '@' ? read_file(pos[npos - 1] + 1) :
	    xstrdup(pos[npos - 1]);
	if (attached)
		sel = attach_groups(iparg, npools, &ips, &nips, &rw);
	else {
		ips = split_ips(iparg, &nips);
		rows_all(npools, ips, nips, &rw);
	}

	pools = xcalloc(npools, sizeof(*pools));
	for (p = 0; p < npools; p++)
		if ((pools[p] = hb_pool_open(pos[p], &opts, err)) == NULL) {
			fprintf(stderr, "hbprobe: %s\n", err);
			return 1;
		}
	out = xcalloc(rw.off[npools] + 1, sizeof(*out));
	pst = xcalloc(npools, sizeof(*pst));
	times = NULL;

	for (r = 0; r < rounds; r++) {
		if (step && fgets(line, sizeof(line), stdin) == NULL)
			break;
		if (!step && r > 0 && interval > 0)
			clock_sleep_ms(interval);
		if (r == tcap) {
			tcap = tcap ? tcap * 2 : 64;
			times = realloc(times, tcap * sizeof(*times));
			if (times == NULL)
				abort();
		}
		t0 = now_ms_f();
		if (hb_read_hosts(pools, npools, (const char *const *)ips, nips,
		    sel, deadline, out, pst) == -1) {
			fprintf(stderr, "hbprobe: hb_read_all: bad args\n");
			return 1;
		}
		times[r] = now_ms_f() - t0;
		print_round(r, pools, npools, &rw, out, pst, times[r],
		    deadline, quiet);
	}
	nt = r;
	if (nt > 0) {
		first = times[0];
		if (nt > 1) {		/* steady state: without round 0 */
			qsort(times + 1, nt - 1, sizeof(*times), cmp_double);
			memmove(times, times + 1, (nt - 1) * sizeof(*times));
			nt--;
		}
		printf("summary rounds=%zu first_ms=%.3f p50_ms=%.3f "
		    "p99_ms=%.3f max_ms=%.3f rss_kb=%ld hwm_kb=%ld\n", r, first,
		    times[(nt - 1) / 2],
		    times[(size_t)((double)(nt - 1) * 0.99)],
		    times[nt - 1], status_kb("VmRSS"), status_kb("VmHWM"));
	}
	for (p = 0; p < npools; p++)
		hb_pool_close(pools[p]);
	for (p = 0; sel != NULL && p < npools; p++)
		free((void *)sel[p].idx);
	free(sel);
	free(rw.off);
	free(rw.ip);
	free(times);
	free(pst);
	free(out);
	free(pools);
	free(ips);
	free(iparg);
	free(pos);
	return 0;
}
