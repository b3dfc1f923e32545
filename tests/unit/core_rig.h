/*
 * core_rig.h -- the decision-core test rig shared by check_host_fsm.c and
 * check_guards.c: a fake cluster (hosts, pools, heartbeat writers, BMC
 * readings), a fake clock (R.now) and helpers that step core_step() and
 * look at its states, actions and events.  Include once, after check.h
 * and core.h; every function is static.
 */
#ifndef HAWATCH_CORE_RIG_H
#define HAWATCH_CORE_RIG_H

#define RIG_H	16
#define RIG_LOG	8192
#define SRV0	100000000LL	/* NFS server clock at t=0 */

struct logent { uint64_t t; struct action a; };

static struct rig {
	struct core_policy	 pol;
	struct core_state	*st;
	struct host_obs		 h[RIG_H];
	size_t			 nh;
	struct pool_obs		 p[8];
	size_t			 np;
	int			 beat[RIG_H];	/* writes (every tick) */
	uint64_t		 every[RIG_H], phase[RIG_H];	/* or when
					   t % every == phase */
	int			 bmc[RIG_H];	/* a new reading every tick */
	uint64_t		 now, tick;
	int			 leader;
	struct action		 av[4096];
	struct core_event	 ev[4096];
	struct actions		 a;
	struct core_events	 e;
	struct logent		 log[RIG_LOG];
	size_t			 nlog;
} R;

static void
rig_init(void)
{
	memset(&R, 0, sizeof(R));
	core_policy_defaults(&R.pol);
	R.pol.agent_hb_interval_ms = 1000;
	R.pol.agent_hb_write_timeout_ms = 1000;
	R.pol.agent_hb_max_tries = 2;
	R.pol.agent_hb_retry_sleep_ms = 1000;	/* self-fence min 10000 */
	R.pol.suspect_after_ms = 2000;
	R.pol.dead_after_ms = 5000;
	R.pol.startup_grace_ms = 0;
	R.pol.fence_timeout_ms = 2000;
	R.pol.fence_quiet_ms = 3000;
	R.pol.fence_max_attempts = 3;
	R.pol.rearm_after_ms = 20000;
	R.st = core_state_new();
	R.tick = 1000;
	R.leader = 1;
	R.a.v = R.av;
	R.a.cap = 4096;
	R.e.v = R.ev;
	R.e.cap = 4096;
}

static void
rig_done(void)
{
	core_state_free(R.st);
}

static void
rig_pool(uint32_t id)
{
	R.p[R.np].pool_id = id;
	R.p[R.np++].readable = 1;
}

static size_t
hx(uint64_t id)
{
	size_t	i;

	for (i = 0; i < R.nh; i++)
		if (R.h[i].host_id == id)
			return i;
	ck_abort_msg("no host %llu", (unsigned long long)id);
	return 0;
}

/* Add a beating, powered-on host on pools p1 (and p2 when non-zero). */
static void
rig_host(uint64_t id, uint64_t cluster, uint32_t p1, uint32_t p2)
{
	struct host_obs	*h = &R.h[R.nh];

	memset(h, 0, sizeof(*h));
	h->host_id = id;
	h->cluster_id = cluster;
	h->hb[h->nhb++].pool_id = p1;
	if (p2)
		h->hb[h->nhb++].pool_id = p2;
	h->power = PWR_ON;
	R.beat[R.nh] = R.bmc[R.nh] = 1;
	R.nh++;
}

static void
rig_tick_at(uint64_t t)
{
	size_t	i, j;
	int	writes;

	R.now = t;
	for (i = 0; i < R.nh; i++) {
		if (R.every[i] && t % R.every[i] != R.phase[i])
			writes = 0;
		else
			writes = R.beat[i];
		for (j = 0; j < R.h[i].nhb && writes; j++) {
			R.h[i].hb[j].status = HB_OK;
			R.h[i].hb[j].value = (uint64_t)(SRV0 + (int64_t)t) / 1000;
			R.h[i].hb[j].mtime_ms = SRV0 + (int64_t)t;
		}
		if (R.bmc[i])
			R.h[i].power_seq++;
	}
	struct core_obs o = { t, R.leader, R.h, R.nh, R.p, R.np };
	R.a.n = R.e.n = 0;
	ck_assert_int_eq(core_state_reserve(R.st, R.nh, R.np), 0);
	ck_assert_int_eq(core_step(&R.pol, R.st, &o, &R.a, &R.e), 0);
	for (i = 0; i < R.a.n && R.nlog < RIG_LOG; i++) {
		R.log[R.nlog].t = t;
		R.log[R.nlog++].a = R.av[i];
	}
}

static void
rig_tick(void)
{
	rig_tick_at(R.now);
	R.now += R.tick;
}

/* Tick until now > t (t itself included). */
static void
rig_until(uint64_t t)
{
	while (R.now <= t)
		rig_tick();
}

static enum host_state
st(uint64_t id)
{
	const struct host_core_view *v = core_host_view(R.st, id);

	ck_assert_ptr_nonnull(v);
	return v->state;
}

static const struct host_core_view *
view(uint64_t id)
{
	return core_host_view(R.st, id);
}

/* Logged actions of kind for host (0: any scope), why (-1: any). */
static int
count(enum act_kind k, uint64_t host, int why)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < R.nlog; i++)
		if (R.log[i].a.kind == k && (host == 0 ||
		    R.log[i].a.host_id == host) && (why < 0 ||
		    (int)R.log[i].a.why == why))
			n++;
	return n;
}

static int64_t
first_t(enum act_kind k, uint64_t host)
{
	size_t	i;

	for (i = 0; i < R.nlog; i++)
		if (R.log[i].a.kind == k && R.log[i].a.host_id == host)
			return (int64_t)R.log[i].t;
	return -1;
}

/* Cluster 1: hosts 1-4 on pool 1.  Cluster 2: hosts 5-6 on pool 1. */

#endif
