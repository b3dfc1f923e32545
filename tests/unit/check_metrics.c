/*
 * check_metrics.c -- the metrics' bookkeeping and text (src/metrics_*.c):
 * the tallies count what their sources report, the tick histogram is
 * cumulative and agrees with its count, a snapshot copy is deep, the
 * rendered text has one HELP/TYPE per family and the exact series a
 * Prometheus rule relies on, and metrics.listen parses only IP:port.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "restart_assurance.h"
#include "sweep.h"

static int
has_line(const char *text, const char *line)
{
	size_t		 n = strlen(line);
	const char	*p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

static size_t
count_of(const char *text, const char *needle)
{
	size_t		 n = 0;
	const char	*p = text;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

START_TEST(test_reconcile_tally)
{
	struct metrics_counters	c;
	struct rec_result	r;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	r.n_changed = 5;
	r.n_requeued = 4;
	r.n_deferred = 1;
	metrics_count_reconcile(&c, &r);
	memset(&r, 0, sizeof(r));
	metrics_count_reconcile(&c, &r);		/* nothing to do */
	r.refused = 1;
	r.n_changed = 9;				/* ignored: refused */
	metrics_count_reconcile(&c, &r);
	metrics_count_reconcile(&c, NULL);		/* failed */
	ck_assert_uint_eq(c.reconciles[MREC_RECONCILED], 1);
	ck_assert_uint_eq(c.reconciles[MREC_NOTHING], 1);
	ck_assert_uint_eq(c.reconciles[MREC_REFUSED], 1);
	ck_assert_uint_eq(c.reconciles[MREC_ERROR], 1);
	ck_assert_uint_eq(c.vms_reconciled, 5);
	ck_assert_uint_eq(c.vms_requeued, 4);
	ck_assert_uint_eq(c.vms_deferred, 1);
	metrics_count_fence(&c, FENCE_OFF_CONFIRMED);
	metrics_count_fence(&c, FENCE_AUTH_ERROR);
	metrics_count_fence(&c, (enum fence_result)99);	/* out of range */
	ck_assert_uint_eq(c.fences[FENCE_OFF_CONFIRMED], 1);
	ck_assert_uint_eq(c.fences[FENCE_AUTH_ERROR], 1);
	metrics_count_vms_given_up(&c, 2);
	ck_assert_uint_eq(c.vms_given_up, 2);
}
END_TEST

START_TEST(test_tick_histogram)
{
	struct metrics_counters	c;
	uint64_t		ph[METRICS_PHASES] = { 1000, 2000, 0, 500000 };

	memset(&c, 0, sizeof(c));
	metrics_count_tick(&c, 3000, ph, 1000);		/* 3 ms */
	metrics_count_tick(&c, 1500000, ph, 1000);	/* 1.5 s: overrun */
	metrics_count_tick(&c, 60000000, ph, 1000);	/* 60 s: +Inf only */
	ck_assert_uint_eq(c.ticks, 3);
	ck_assert_uint_eq(c.tick_overruns, 2);
	ck_assert_uint_eq(c.tick_hist[0], 1);		/* le 0.005 */
	ck_assert_uint_eq(c.tick_hist[8], 1);		/* le 2.5 */
	ck_assert(c.phase_seconds_sum[3] > 1.49 && c.phase_seconds_sum[3] < 1.51);
}
END_TEST

START_TEST(test_sweep_tally)
{
	struct metrics_sweep_counters	c;
	struct sweep_run_report		r;
	struct sweep_dom_report		d[3];

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	memset(d, 0, sizeof(d));
	d[0].exec = SWX_DONE;
	d[0].act.kind = SWA_RESUME;
	d[0].result = SWR_RESUMED;
	d[1].exec = SWX_WOULD;			/* not executed: not counted */
	d[1].act.kind = SWA_RESUME;
	d[1].result = -1;
	d[2].exec = SWX_DONE;
	d[2].act.kind = SWA_GIVE_UP;
	d[2].result = -1;
	r.doms = d;
	r.ndoms = 3;
	r.acting = 1;
	r.n_reaped = 2;
	metrics_count_sweep(&c, &r);
	ck_assert_uint_eq(c.runs, 1);
	ck_assert_uint_eq(c.actions[SWA_RESUME], 1);
	ck_assert_uint_eq(c.actions[SWA_GIVE_UP], 1);
	ck_assert_uint_eq(c.results[SWR_RESUMED], 1);
	ck_assert_uint_eq(c.backups_reaped, 2);
}
END_TEST

START_TEST(test_restart_tally)
{
	struct metrics_counters	c;
	struct ra_result	r;
	struct ra_vm		v[4];

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	memset(v, 0, sizeof(v));
	v[0].verdict = RV_REQUEUE;
	v[0].written = 1;
	v[1].verdict = RV_GIVE_UP;
	v[1].written = 1;
	v[2].verdict = RV_LOCAL_STORAGE;
	v[2].written = 1;
	v[3].verdict = RV_GIVE_UP;	/* listed from an earlier pass */
	r.v = v;
	r.n = 4;
	metrics_count_restarts(&c, &r);
	ck_assert_uint_eq(c.restart_verdicts[RV_REQUEUE], 1);
	ck_assert_uint_eq(c.restart_verdicts[RV_GIVE_UP], 1);
	ck_assert_uint_eq(c.vms_given_up, 2);
}
END_TEST

/* two hosts, one with two pools (one unreadable), one pool, one alert */
static void
sample(struct metrics_snap *s)
{
	memset(s, 0, sizeof(*s));
	metrics_snap_reserve(s, 2, 3, 1);
	s->published_mono_ms = 10000;
	s->tick_interval_ms = 1000;
	s->is_leader = 1;
	s->db_up = 1;
	s->nhosts = 2;
	s->hosts[0] = (struct metrics_host){ .host_id = 6, .cluster_id = 2,
	    .has_view = 1, .state = HS_FENCED, .power = PWR_OFF, .hb_off = 0,
	    .nhb = 2 };
	s->hosts[1] = (struct metrics_host){ .host_id = 7, .cluster_id = 2,
	    .has_view = 1, .state = HS_ALIVE, .power = PWR_ON, .hb_off = 2,
	    .nhb = 1 };
	s->nhb = 3;
	s->hb[0] = (struct metrics_hb){ .pool_id = 1, .age_ms = 45500 };
	s->hb[1] = (struct metrics_hb){ .pool_id = 2, .age_ms = -1 };
	s->hb[2] = (struct metrics_hb){ .pool_id = 1, .age_ms = 1200 };
	s->npools = 1;
	s->pools[0] = (struct metrics_pool){ .pool_id = 1, .readable = 1,
	    .n_ok = 2, .elapsed_ms = 12 };
	s->hosts_by_state[HS_FENCED] = 1;
	s->hosts_by_state[HS_ALIVE] = 1;
	s->alerts_by_why[WHY_FENCE_BUDGET_EXHAUSTED] = 1;
	s->c.fences[FENCE_OFF_CONFIRMED] = 3;
	s->c.reconciles[MREC_RECONCILED] = 2;
	s->sw.actions[SWA_RESUME] = 4;
	s->c.restart_verdicts[RV_GIVE_UP] = 1;
	s->restarts_given_up = 1;
}

START_TEST(test_render)
{
	struct metrics_snap	s, copy;
	struct sbuf		o;
	uint64_t		ph[METRICS_PHASES] = { 0, 0, 0, 0 };

	sample(&s);
	metrics_count_tick(&s.c, 3000, ph, 1000);
	metrics_count_tick(&s.c, 30000, ph, 1000);
	memset(&copy, 0, sizeof(copy));
	metrics_snap_copy(&copy, &s);
	metrics_snap_free(&s);			/* the copy owns its arrays */
	sbuf_init(&o);
	metrics_render(&copy, 12500, &o);
	ck_assert(has_line(o.s, "hawatch_host_state{host_id=\"6\","
	    "cluster_id=\"2\",state=\"fenced\"} 1"));
	ck_assert(has_line(o.s, "hawatch_host_power_state{host_id=\"6\","
	    "cluster_id=\"2\",state=\"off\"} 1"));
	ck_assert(has_line(o.s, "hawatch_host_heartbeat_age_seconds{host_id="
	    "\"6\",cluster_id=\"2\",pool_id=\"1\"} 45.500"));
	ck_assert_uint_eq(count_of(o.s, "pool_id=\"2\"}"), 0);	/* no age */
	ck_assert(has_line(o.s, "hawatch_hosts{state=\"fenced\"} 1"));
	ck_assert(has_line(o.s, "hawatch_hosts{state=\"suspect\"} 0"));
	ck_assert(has_line(o.s, "hawatch_last_tick_age_seconds 2.5"));
	ck_assert(has_line(o.s, "hawatch_fences_total{result=\"off_confirmed\"} 3"));
	ck_assert(has_line(o.s, "hawatch_reconciles_total{result=\"reconciled\"} 2"));
	ck_assert(has_line(o.s, "hawatch_sweeper_actions_total{kind=\"resume\"} 4"));
	ck_assert(has_line(o.s, "hawatch_alerts_open{kind=\"fence_budget_exhausted\"} 1"));
	ck_assert(has_line(o.s, "hawatch_alerts_open{kind=\"storm_guard\"} 0"));
	ck_assert(has_line(o.s, "hawatch_tick_duration_seconds_bucket{le=\"0.005\"} 1"));
	ck_assert(has_line(o.s, "hawatch_tick_duration_seconds_bucket{le=\"0.025\"} 1"));
	ck_assert(has_line(o.s, "hawatch_tick_duration_seconds_bucket{le=\"0.05\"} 2"));
	ck_assert(has_line(o.s, "hawatch_tick_duration_seconds_bucket{le=\"+Inf\"} 2"));
	ck_assert(has_line(o.s, "hawatch_tick_duration_seconds_count 2"));
	ck_assert(has_line(o.s, "hawatch_pool_up{pool_id=\"1\"} 1"));
	ck_assert(has_line(o.s, "hawatch_leader 1"));
	ck_assert(has_line(o.s, "hawatch_restart_verdicts_total{verdict=\"given_up\"} 1"));
	ck_assert(has_line(o.s, "hawatch_restart_verdicts_total{verdict=\"requeue\"} 0"));
	ck_assert_uint_eq(count_of(o.s, "verdict=\"wait\""), 0);
	ck_assert(has_line(o.s, "hawatch_restarts_given_up 1"));
	ck_assert(has_line(o.s, "hawatch_shards_held 0"));	/* not sharded */
	ck_assert_uint_eq(count_of(o.s, "hawatch_shard_owned"), 0);
	/* one TYPE per family, and as many HELP */
	ck_assert_uint_eq(count_of(o.s, "# TYPE hawatch_host_state gauge\n"), 1);
	ck_assert_uint_eq(count_of(o.s, "# TYPE "), count_of(o.s, "# HELP "));
	ck_assert(o.s[o.len - 1] == '\n');
	sbuf_free(&o);
	metrics_snap_free(&copy);
}
END_TEST

/* daemon.shard_by = "cluster": the shards held, one series each */
START_TEST(test_render_shards)
{
	struct metrics_snap	s;
	struct sbuf		o;

	sample(&s);
	s.sharded = 1;
	s.nshards = 6;
	s.instances_live = 3;
	s.nshards_held = 2;
	s.shards_held[0] = 2;
	s.shards_held[1] = 5;
	sbuf_init(&o);
	metrics_render(&s, 12500, &o);
	ck_assert(has_line(o.s, "hawatch_shards_held 2"));
	ck_assert(has_line(o.s, "hawatch_shards 6"));
	ck_assert(has_line(o.s, "hawatch_instances_live 3"));
	ck_assert(has_line(o.s, "hawatch_shard_owned{cluster_id=\"2\"} 1"));
	ck_assert(has_line(o.s, "hawatch_shard_owned{cluster_id=\"5\"} 1"));
	ck_assert_uint_eq(count_of(o.s, "hawatch_shard_owned{"), 2);
	ck_assert_uint_eq(count_of(o.s, "# TYPE hawatch_shard_owned gauge\n"), 1);
	ck_assert_uint_eq(count_of(o.s, "# TYPE "), count_of(o.s, "# HELP "));
	sbuf_free(&o);
	metrics_snap_free(&s);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok, family, port;
} listens[] = {
	{ "127.0.0.1:9631", 1, AF_INET, 9631 },
	{ "0.0.0.0:1", 1, AF_INET, 1 },
	{ "[::1]:9631", 1, AF_INET6, 9631 },
	{ "[::]:65535", 1, AF_INET6, 65535 },
	{ "127.0.0.1:0", 0, 0, 0 },
	{ "127.0.0.1:65536", 0, 0, 0 },
	{ "127.0.0.1:", 0, 0, 0 },
	{ "127.0.0.1", 0, 0, 0 },
	{ ":9631", 0, 0, 0 },
	{ "localhost:9631", 0, 0, 0 },
	{ "::1:9631", 0, 0, 0 },		/* v6 needs brackets */
	{ "[127.0.0.1]:9631", 0, 0, 0 },
	{ "127.0.0.1:96x1", 0, 0, 0 },
	{ "127.0.0.1:+9631", 0, 0, 0 },
	{ "[]:9631", 0, 0, 0 },
};

START_TEST(test_listen_parse)
{
	struct sockaddr_storage	 ss;
	unsigned		 len = 0;
	char			 err[ERR_LEN] = "";
	int			 r;

	r = metrics_listen_parse(listens[_i].in, &ss, &len, err);
	ck_assert_msg((r == 0) == listens[_i].ok, "%s: %d %s", listens[_i].in,
	    r, err);
	if (!listens[_i].ok) {
		ck_assert_ptr_nonnull(strstr(err, listens[_i].in));
		return;
	}
	ck_assert_int_eq(ss.ss_family, listens[_i].family);
	if (ss.ss_family == AF_INET)
		ck_assert_int_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port),
		    listens[_i].port);
	else
		ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port),
		    listens[_i].port);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = tcase_create("metrics");
	SRunner	*sr;
	int	 nfail;

	tcase_add_test(tc, test_reconcile_tally);
	tcase_add_test(tc, test_tick_histogram);
	tcase_add_test(tc, test_sweep_tally);
	tcase_add_test(tc, test_restart_tally);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_shards);
	tcase_add_loop_test(tc, test_listen_parse, 0,
	    (int)(sizeof(listens) / sizeof(listens[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
