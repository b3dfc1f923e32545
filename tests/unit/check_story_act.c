/*
 * check_story_act.c -- golden stories of the executor (src/act.c)
 * (`layer act` scripts under tests/scenarios/).
 *
 * act_run() runs against fake adapter tables (act.h) that log every call
 * in order and fail on demand; the story sets how each adapter answers,
 * what the core decided (either by driving the real core_step() for host
 * 7 with BMC readings, `power`, one second apart unless `at <ms>` sets
 * the next round's clock, or by naming actions, `action`), and what
 * the BMC pool read back (`news`), then `run` executes one round and
 * prints the calls in order and what the daemon remembers (last action,
 * alerts, leadership).  The core hears what observe.c would pass it: the
 * executor's own fence answers (not started, running) and the BMC pool's
 * results in order, the attempts recorded in hawatch's schema, and, once
 * `heartbeat` turned it on, one heartbeat pool that host 7 and a peer
 * (host 8) write to.  Language: tests/scenarios/README.
 */
#include <check.h>

#include "act.h"
#include "daemon.h"
#include "story_golden.h"

#define HOST	7
#define PEER	8	/* writes the heartbeat pool too: host 7's silence is
			   the host's, not the pool's */
/* room for one round's actions and events (core_out_bound() of one host
 * is about 70) */
#define ROUND_CAP	256

static struct fake {
	char	*out;
	size_t	*outn;
	int	 audit_fail, returned_fail, reset_fail, request_rc;
	char	 reconcile_err[128];	/* "" succeeds */
	int	 hb_on, hb_writing;	/* the pool exists / host 7 writes */
	uint64_t hb_value;		/* host 7's heartbeat file */
} F;

static int
fake_request_fence(struct daemon *d, uint32_t host, unsigned timeout_ms)
{
	(void)d;
	sg_out(F.out, F.outn, "  call bmc.request_fence %u timeout=%u -> %d\n",
	    host, timeout_ms, F.request_rc);
	return F.request_rc;
}

static int
fake_audit(struct daemon *d, const char *action, uint64_t host,
    const char *reason, const char *evidence, char *err)
{
	(void)d;
	(void)evidence;
	sg_out(F.out, F.outn, "  call db.audit %s host=%llu reason=\"%s\" -> %s\n",
	    action, (unsigned long long)host, reason,
	    F.audit_fail ? "error" : "ok");
	if (F.audit_fail) {
		set_err(err, "fake: MySQL server has gone away");
		return -1;
	}
	return 0;
}

static struct daemon	D;

/* A written fence_requested row is the host's attempt count in hawatch's
 * schema: the next inventory read (here: the next round) sees it. */
static int
fake_fence_requested(struct daemon *d, uint64_t host, unsigned attempt,
    const char *reason, const char *evidence, char *err)
{
	(void)d;
	(void)evidence;
	sg_out(F.out, F.outn, "  call db.fence_requested host=%llu attempt=%u "
	    "reason=\"%s\" -> %s\n", (unsigned long long)host, attempt,
	    reason, F.audit_fail ? "error" : "ok");
	if (F.audit_fail) {
		set_err(err, "fake: MySQL server has gone away");
		return -1;
	}
	if (attempt > D.inv.hosts[0].fence_attempts_recorded)
		D.inv.hosts[0].fence_attempts_recorded = attempt;
	return 0;
}

static int
fake_budget_reset(struct daemon *d, uint64_t host, const char *reason,
    char *err)
{
	(void)d;
	sg_out(F.out, F.outn, "  call db.budget_reset host=%llu reason=%s -> "
	    "%s\n", (unsigned long long)host, reason,
	    F.reset_fail ? "error" : "ok");
	if (F.reset_fail) {
		set_err(err, "fake: read-only");
		return -1;
	}
	return 0;
}

static int
fake_returned(struct daemon *d, uint64_t host, const char *reason,
    const char *evidence, char *err)
{
	(void)d;
	(void)evidence;
	sg_out(F.out, F.outn, "  call db.returned host=%llu reason=%s -> %s\n",
	    (unsigned long long)host, reason, F.returned_fail ? "error" : "ok");
	if (F.returned_fail) {
		set_err(err, "fake: lock wait timeout");
		return -1;
	}
	return 0;
}

static int
fake_reconcile(struct daemon *d, uint64_t host, const struct rec_opts *o,
    struct rec_result *r, char *err)
{
	(void)d;
	sg_out(F.out, F.outn, "  call db.reconcile host=%llu confirm=%s -> %s\n",
	    (unsigned long long)host, fence_source_name(o->confirm),
	    F.reconcile_err[0] ? F.reconcile_err : "ok");
	memset(r, 0, sizeof(*r));
	if (F.reconcile_err[0]) {
		set_err(err, "%s", F.reconcile_err);
		return -1;
	}
	r->n_changed = 2;
	r->n_requeued = 1;
	return 0;
}

static const struct act_bmc_funcs fake_bmc = {
	.request_fence = fake_request_fence,
};

static const struct act_db_funcs fake_db = {
	.audit = fake_audit,
	.fence_requested = fake_fence_requested,
	.budget_reset = fake_budget_reset,
	.returned = fake_returned,
	.reconcile = fake_reconcile,
};

static struct action		 AV[ROUND_CAP];
static struct core_event	 EV[ROUND_CAP];
static uint64_t			 pseq, core_now;

static void
daemon_setup(void)
{
	memset(&D, 0, sizeof(D));
	D.bmc_funcs = &fake_bmc;
	D.db_funcs = &fake_db;
	D.is_leader = D.db_up = 1;
	D.leader.held = 1;
	snprintf(D.leader.lock, sizeof(D.leader.lock), "hawatch.test");
	snprintf(D.actor, sizeof(D.actor), "test");
	D.cfg.daemon.fence_timeout_ms = 30000;
	D.cfg.daemon.rearm_after_ms = 600000;
	D.inv.hosts = calloc(1, sizeof(*D.inv.hosts));
	D.inv.nhosts = 1;
	D.inv.hosts[0].id = HOST;
	D.inv.hosts[0].cluster_id = 1;
	snprintf(D.inv.hosts[0].ip, sizeof(D.inv.hosts[0].ip), "10.0.0.7");
	D.inv.hw_schema = 1;
	D.extra = calloc(1, sizeof(*D.extra));
	D.extra[0].id = HOST;
	D.core = core_state_new();
	core_policy_defaults(&D.pol);
	D.acts.v = AV;
	D.acts.cap = ROUND_CAP;
	D.evs.v = EV;
	D.evs.cap = ROUND_CAP;
	pseq = core_now = 0;
}

static void
daemon_free(void)
{
	free(D.inv.hosts);
	free(D.extra);
	free(D.fence_news);
	free(D.alerts);
	core_state_free(D.core);
}

/* The heartbeat pool's files this round: value = seconds, mtime = ms of
 * the round's clock; host 7's stays as it was while it does not write. */
static void
hb_obs(struct host_obs *h, uint64_t now, int writes)
{
	h->nhb = 1;
	h->hb[0].pool_id = 1;
	h->hb[0].status = HB_OK;
	if (writes)
		h->hb[0].value = now / 1000;
	h->hb[0].mtime_ms = (int64_t)h->hb[0].value * 1000;
}

static void
core_print(char *out, size_t *outn, const struct action *av, size_t nav)
{
	size_t	i;

	for (i = 0; i < D.evs.n; i++)
		sg_out(out, outn, "core: host %llu: %s -> %s (%s)\n",
		    (unsigned long long)EV[i].host_id,
		    host_state_name(EV[i].from), host_state_name(EV[i].to),
		    act_why_name(EV[i].why));
	for (i = 0; i < nav; i++)
		sg_out(out, outn, "core: host %llu: %s (%s)\n",
		    (unsigned long long)av[i].host_id,
		    act_kind_name(av[i].kind), act_why_name(av[i].why));
}

/*
 * One core_step() for host 7 with what observe.c would pass (BMC
 * reading, operator confirmation, the executor's fence answers, the
 * recorded attempts; the heartbeat pool once turned on); its actions
 * join the round.
 */
static int
core_round(const char *power, int confirm, char *out, size_t *outn)
{
	struct host_obs	 h[2];
	struct pool_obs	 pool = { 1, 1 };
	struct core_obs	 o;
	struct actions	 acts;
	struct action	 av[ROUND_CAP];
	size_t		 i;
	int		 pw;

	for (pw = 0; pw <= PWR_LAST; pw++)
		if (strcmp(pwr_obs_name((enum pwr_obs)pw), power) == 0)
			break;
	if (pw > PWR_LAST)
		return -1;
	memset(h, 0, sizeof(h));
	memset(&o, 0, sizeof(o));
	o.now_ms = (core_now += 1000);
	h[0].host_id = HOST;
	h[0].cluster_id = 1;
	h[0].power = (enum pwr_obs)pw;
	h[0].power_seq = ++pseq;
	h[0].operator_confirmed_off = confirm;
	h[0].fence = D.extra[0].fence_out;
	h[0].fence_seq = D.extra[0].fence_seq_out;
	h[0].fence_attempts_recorded = D.inv.hosts[0].fence_attempts_recorded;
	o.is_leader = D.is_leader;
	o.hosts = h;
	o.nhosts = 1;
	if (F.hb_on) {
		h[0].hb[0].value = F.hb_value;
		hb_obs(&h[0], o.now_ms, F.hb_writing);
		F.hb_value = h[0].hb[0].value;
		h[1].host_id = PEER;
		h[1].cluster_id = 1;
		h[1].power = PWR_ON;
		h[1].power_seq = pseq;
		hb_obs(&h[1], o.now_ms, 1);
		o.nhosts = 2;
		o.pools = &pool;
		o.npools = 1;
	}
	acts.v = av;
	acts.n = 0;
	acts.cap = ROUND_CAP;
	D.evs.n = 0;
	if (core_state_reserve(D.core, o.nhosts, o.npools) == -1 ||
	    core_step(&D.pol, D.core, &o, &acts, &D.evs) == -1) {
		char	err[512];

		core_obs_check(&D.pol, D.core, &o, &acts, &D.evs, err);
		sg_out(out, outn, "core: step refused: %s\n", err);
		return -1;
	}
	core_print(out, outn, av, acts.n);
	for (i = 0; i < acts.n && D.acts.n < D.acts.cap; i++)
		D.acts.v[D.acts.n++] = av[i];
	return 0;
}

/* show: the core's view of host 7 and the attempts recorded for it */
static void
show_line(char *out, size_t *outn)
{
	const struct host_core_view	*v = core_host_view(D.core, HOST);

	if (v == NULL) {
		sg_out(out, outn, "show: host %d unknown to the core\n", HOST);
		return;
	}
	sg_out(out, outn, "show: host %d state=%s hold=%s attempts=%u "
	    "recorded=%u\n", HOST, host_state_name(v->state),
	    act_why_name(v->hold), v->fence_attempts,
	    D.inv.hosts[0].fence_attempts_recorded);
}

/* metrics: the fence counters `hawatch status`/Prometheus would show */
static void
metrics_line(char *out, size_t *outn)
{
	int	r;

	sg_out(out, outn, "metrics: fence_requests=%llu",
	    (unsigned long long)D.mcount.fence_requests);
	for (r = 0; r <= FENCE_LAST; r++)
		if (D.mcount.fences[r] > 0)
			sg_out(out, outn, " %s=%llu",
			    fence_result_name((enum fence_result)r),
			    (unsigned long long)D.mcount.fences[r]);
	sg_out(out, outn, "\n");
}

static int
why_parse(const char *s, enum act_why *out)
{
	int	w;

	for (w = 0; w <= WHY_LAST; w++)
		if (strcmp(act_why_name((enum act_why)w), s) == 0) {
			*out = (enum act_why)w;
			return 0;
		}
	return -1;
}

static int
action_line(char **w, int n)
{
	struct action	*a;
	enum act_why	 why = WHY_HB_DEAD;
	int		 k;

	if (n < 2 || D.acts.n == D.acts.cap)
		return -1;
	for (k = 0; k <= ACT_LAST; k++)
		if (strcmp(act_kind_name((enum act_kind)k), w[1]) == 0)
			break;
	if (k > ACT_LAST || (n == 3 && why_parse(w[2], &why) == -1))
		return -1;
	a = &D.acts.v[D.acts.n++];
	memset(a, 0, sizeof(*a));
	a->kind = (enum act_kind)k;
	a->host_id = HOST;
	a->cluster_id = 1;
	a->why = why;
	return 0;
}

/* news <fence_result> <bmc_status> [error words]: an attempt finished,
 * read back by observe.c (act_fence_news(): queued for the audit, and
 * the core's next fence result) */
static int
news_line(char **w, int n)
{
	struct bmc_view	v;
	int		r, b, i;

	for (r = 0; r <= FENCE_LAST; r++)
		if (strcmp(fence_result_name((enum fence_result)r), w[1]) == 0)
			break;
	for (b = 0; b <= BMC_ERROR; b++)
		if (strcmp(bmc_status_name((enum bmc_status)b), w[2]) == 0)
			break;
	if (r > FENCE_LAST || b > BMC_ERROR)
		return -1;
	memset(&v, 0, sizeof(v));
	v.fence = (enum fence_result)r;
	v.fence_seq = 1;
	v.last_status = (enum bmc_status)b;
	for (i = 3; i < n; i++)
		snprintf(v.fence_err + strlen(v.fence_err),
		    sizeof(v.fence_err) - strlen(v.fence_err), "%s%s",
		    i > 3 ? " " : "", w[i]);
	act_fence_news(&D, HOST, &v);
	return 0;
}

static void
run_round(char *out, size_t *outn, int round)
{
	sg_out(out, outn, "round %d:\n", round);
	act_run(&D);
	sg_out(out, outn, "  last_action=\"%s\" alerts=%zu leader=%s\n",
	    D.extra[0].last_action, D.nalerts, D.leader.held ? "held" :
	    "lost");
	D.acts.n = 0;
}

static int
one_line(char **w, int n, char *out, size_t *outn)
{
	if (strcmp(w[0], "leader") == 0 && n == 2)
		D.is_leader = sg_u64(w[1]) != 0;
	else if (strcmp(w[0], "db") == 0 && n == 2)
		D.db_up = strcmp(w[1], "up") == 0;
	else if (strcmp(w[0], "schema") == 0 && n == 2)
		D.inv.hw_schema = sg_u64(w[1]) != 0;
	else if (strcmp(w[0], "audit") == 0 && n == 2)
		F.audit_fail = strcmp(w[1], "fail") == 0;
	else if (strcmp(w[0], "reset") == 0 && n == 2)
		F.reset_fail = strcmp(w[1], "fail") == 0;
	else if (strcmp(w[0], "recorded") == 0 && n == 2)
		D.inv.hosts[0].fence_attempts_recorded = (uint32_t)sg_u64(w[1]);
	else if (strcmp(w[0], "heartbeat") == 0 && n == 2) {
		F.hb_on = 1;
		F.hb_writing = strcmp(w[1], "writing") == 0;
	} else if (strcmp(w[0], "show") == 0 && n == 1)
		show_line(out, outn);
	else if (strcmp(w[0], "metrics") == 0 && n == 1)
		metrics_line(out, outn);
	else if (strcmp(w[0], "returned") == 0 && n == 2)
		F.returned_fail = strcmp(w[1], "fail") == 0;
	else if (strcmp(w[0], "request") == 0 && n == 2)
		F.request_rc = strcmp(w[1], "running") == 0 ? 1 :
		    strcmp(w[1], "unknown") == 0 ? -1 : 0;
	else if (strcmp(w[0], "reconcile") == 0 && n >= 2) {
		F.reconcile_err[0] = '\0';
		if (strcmp(w[1], "lost") == 0)
			snprintf(F.reconcile_err, sizeof(F.reconcile_err),
			    "leadership lost before commit");
		else if (strcmp(w[1], "fail") == 0)
			snprintf(F.reconcile_err, sizeof(F.reconcile_err),
			    "deadlock found when trying to get lock");
	} else if (strcmp(w[0], "at") == 0 && n == 2)
		core_now = sg_u64(w[1]) - 1000;	/* the next round's clock */
	else if (strcmp(w[0], "power") == 0 && n >= 2)
		return core_round(w[1], sg_flag(w, n, 2, "confirm"), out, outn);
	else if (strcmp(w[0], "action") == 0)
		return action_line(w, n);
	else if (strcmp(w[0], "news") == 0 && n >= 3)
		return news_line(w, n);
	else
		return -1;
	return 0;
}

static int
run_story(const char *script, char *out, size_t *outn, char *err,
    size_t errsz)
{
	static char		buf[64 * 1024];
	static struct sg_line	L[256];
	size_t			nl, i;
	uint64_t		end = 0;
	int			round = 0, rc = 0;

	memset(&F, 0, sizeof(F));
	F.out = out;
	F.outn = outn;
	if (sg_parse(script, buf, sizeof(buf), L, 256, &nl, &end, err,
	    errsz) == -1)
		return -1;
	daemon_setup();
	for (i = 0; i < nl && rc == 0; i++) {
		if (strcmp(L[i].w[0], "run") == 0 && L[i].n == 1)
			run_round(out, outn, ++round);
		else if (one_line(L[i].w, L[i].n, out, outn) == -1) {
			const char	*last = *outn > 0 ? out + *outn - 1 : out;

			while (last > out && last[-1] != '\n')
				last--;	/* the runner's last line says why */
			sg_fmt(err, errsz, "%s:%d: bad line (%.*s)", script,
			    L[i].lineno, (int)strcspn(last, "\n"), last);
			rc = -1;
		}
	}
	daemon_free();
	return rc;
}

int
main(void)
{
	return sg_main("act", run_story);
}
