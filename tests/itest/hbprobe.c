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
 *   --no-cache         read content every round (hb_opts.always_read)
 *   --step             before each round read one line from stdin (EOF
 *                      ends); lets a test change files between rounds
 *   --quiet            no per-host lines
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
	    "[--quiet] POOL [POOL...] ip1,ip2,...|@FILE\n");
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

static void
print_round(size_t r, struct hb_pool **pools, size_t npools, char **ips,
    size_t nips, const struct hb_result *out, const struct hb_pool_status *pst,
    double elapsed, uint64_t deadline, int quiet)
{
	const struct hb_result		*x;
	const struct hb_pool_status	*s;
	char				 q[HB_ERR_LEN * 2 + 8];
	size_t				 p, i;

	for (p = 0; p < npools; p++) {
		for (i = 0; !quiet && i < nips; i++) {
			x = &out[p * nips + i];
			printf("%s %s %llu %lld pool=%zu round=%zu", ips[i],
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
	int			 i, step = 0, quiet = 0;
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
	ips = split_ips(iparg, &nips);

	pools = xcalloc(npools, sizeof(*pools));
	for (p = 0; p < npools; p++)
		if ((pools[p] = hb_pool_open(pos[p], &opts, err)) == NULL) {
			fprintf(stderr, "hbprobe: %s\n", err);
			return 1;
		}
	out = xcalloc(npools * (nips ? nips : 1), sizeof(*out));
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
		if (hb_read_all(pools, npools, (const char *const *)ips, nips,
		    deadline, out, pst) == -1) {
			fprintf(stderr, "hbprobe: hb_read_all: bad args\n");
			return 1;
		}
		times[r] = now_ms_f() - t0;
		print_round(r, pools, npools, ips, nips, out, pst, times[r],
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
	free(times);
	free(pst);
	free(out);
	free(pools);
	free(ips);
	free(iparg);
	free(pos);
	return 0;
}
