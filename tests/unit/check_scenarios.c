/*
 * check_scenarios.c -- golden stories of the decision core.
 *
 * Runs every story under tests/scenarios/ whose script has no `layer`
 * line (the core layer) through a small simulated cluster and the very
 * same core_step() with a fake clock, and compares what happened with the
 * golden `expect` (story_golden.h: globbing, BLESS, SCEN, where `actual`
 * goes).  The script language (verbs, per-tick order, output format) is
 * documented in tests/scenarios/README.
 */
#include <check.h>
#include <stddef.h>

#include "core.h"
#include "story_golden.h"

#define MAXH	32
#define MAXP	16
#define SERVER0	100000000LL	/* NFS server clock at t=0, ms */
#define OUTMAX	STORY_OUTMAX

struct sim_file {
	uint64_t	 value;
	int64_t		 mtime;
	int		 exists;
	enum hb_status	 rd;		/* read override; HB_OK = none */
};

struct sim_host {
	uint64_t	 id, cluster;
	int		 present;
	uint32_t	 pools[CORE_MAX_POOLS_PER_HOST];
	size_t		 npools;
	struct sim_file	 f[CORE_MAX_POOLS_PER_HOST];
	int		 beating, stopped, powered;
	uint64_t	 every, next_beat;
	int		 bmc_set, bmc_none;
	enum pwr_obs	 bmc;
	uint64_t	 pseq;
	enum fence_result fres, fencer_res;
	uint64_t	 fseq, fencer_after, fencer_lands, done_at, lands_at;
	int		 fencer_hang, pending, landing;
	uint32_t	 vms;
	enum ign_reason	 ign;
	int		 confirm;
	int		 dup_ip, audit_fail;
	uint32_t	 recorded;	/* fence_attempts_recorded */
	uint64_t	 share;		/* reads this host's files (one IP) */
	/* libvirt endpoint and the executor's probe; hawatch.alerts */
	enum { LV_NONE, LV_REAL, LV_ANSWER, LV_SILENT } lv;
	int		 probe_pending;
	enum probe_obs	 probe;
	uint64_t	 probe_seq, probe_pseq, probe_pseq_done;
	enum bmc_identity identity;
	int		 contra_open;
	uint64_t	 contra_row, contra_cleared;
};

struct sim_pool {
	uint32_t	 id;
	int		 unreadable, stalled;
};

struct sim {
	struct core_policy pol;
	struct sim_host	 h[MAXH];
	size_t		 nh;
	struct sim_pool	 p[MAXP];
	size_t		 np;
	uint64_t	 now, tick, end;
	int		 leader;
	char		*out;
	size_t		 outn;
	char		 err[512];
};

static uint64_t	 g_alert_rows;	/* hawatch.alerts ids handed out */

static void
outf(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define fmtb	sg_fmt

static void
outf(struct sim *s, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(s->out + s->outn, OUTMAX - s->outn, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < OUTMAX - s->outn)
		s->outn += (size_t)n;
}

static struct sim_host *
host_get(struct sim *s, uint64_t id)
{
	size_t	i;

	for (i = 0; i < s->nh; i++)
		if (s->h[i].id == id)
			return &s->h[i];
	return NULL;
}

static struct sim_pool *
pool_get(struct sim *s, uint32_t id, int create)
{
	size_t	i, j;

	for (i = 0; i < s->np; i++)
		if (s->p[i].id == id)
			return &s->p[i];
	if (!create || s->np == MAXP)
		return NULL;
	for (i = 0; i < s->np && s->p[i].id < id; i++)
		;
	for (j = s->np; j > i; j--)
		s->p[j] = s->p[j - 1];
	memset(&s->p[i], 0, sizeof(s->p[i]));
	s->p[i].id = id;
	s->np++;
	return &s->p[i];
}

static int
name_lookup(const char *w, const char *(*fn)(int), int last, int *out)
{
	int	i;

	for (i = 0; i <= last; i++)
		if (strcmp(fn(i), w) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

/* Adapters so the enum name functions fit name_lookup(). */
static const char *n_hb(int v) { return hb_status_name((enum hb_status)v); }
static const char *n_pw(int v) { return pwr_obs_name((enum pwr_obs)v); }
static const char *n_fr(int v) { return fence_result_name((enum fence_result)v); }
static const char *n_ig(int v) { return ign_reason_name((enum ign_reason)v); }

static int
num(const char *w, uint64_t *v)
{
	return w == NULL ? -1 : parse_u64(w, v);
}

static int
policy_set(struct core_policy *p, const char *k, uint64_t v)
{
	static const struct { const char *k; size_t off; int u32; } tab[] = {
#define F(n, u) { #n, offsetof(struct core_policy, n), u }
		F(suspect_after_ms, 0), F(dead_after_ms, 0),
		F(startup_grace_ms, 0), F(fence_timeout_ms, 0),
		F(fence_quiet_ms, 0), F(fence_max_attempts, 1),
		F(storm_fraction, 1), F(self_fence_after_ms, 0),
		F(rearm_after_ms, 0), F(bmc_poll_interval_ms, 0),
		F(agent_hb_interval_ms, 0), F(agent_hb_write_timeout_ms, 0),
		F(agent_hb_max_tries, 1), F(agent_hb_retry_sleep_ms, 0),
		F(cluster_fence_max, 1),
#undef F
	};
	size_t	i;

	if (strcmp(k, "storm_guard_enabled") == 0) {
		p->storm_guard_enabled = v != 0;
		return 0;
	}
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].k, k) == 0) {
			if (tab[i].u32)
				*(uint32_t *)((char *)p + tab[i].off) =
				    (uint32_t)v;
			else
				*(uint64_t *)((char *)p + tab[i].off) = v;
			return 0;
		}
	return -1;
}

static void
sim_defaults(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	core_policy_defaults(&s->pol);
	s->pol.agent_hb_interval_ms = 1000;
	s->pol.agent_hb_write_timeout_ms = 1000;
	s->pol.agent_hb_max_tries = 2;
	s->pol.agent_hb_retry_sleep_ms = 1000;
	s->pol.suspect_after_ms = 3000;
	s->pol.dead_after_ms = 6000;
	s->pol.startup_grace_ms = 2000;
	s->pol.fence_timeout_ms = 3000;
	s->pol.fence_quiet_ms = 4000;
	s->pol.rearm_after_ms = 20000;
	s->tick = 1000;
	s->pol.tick_ms = 1000;
	s->end = 30000;
	s->leader = 1;
}

/* A configuration reload as the daemon does it (daemon.c reload()): the
 * new policy is checked whole and applied from the next tick, or refused
 * and the running one kept. */
static int
reload(struct sim *s, const char *key, const char *val)
{
	struct core_policy	np = s->pol;
	char			err[512];
	uint64_t		v;

	if (num(val, &v) == -1 || policy_set(&np, key, v) == -1)
		return -1;
	if (core_policy_check(&np, err) == -1) {
		outf(s, "%llu reload refused: %s\n", (unsigned long long)s->now,
		    err);
		return 0;
	}
	s->pol = np;
	outf(s, "%llu reload applied: %s %s\n", (unsigned long long)s->now,
	    key, val);
	return 0;
}

/* The executor's answer to ACT_FENCE: not started when the audit write
 * fails, else sent (reported running, as act.c does) to the fencer. */
static void
fence_start(struct sim_host *h, uint64_t now)
{
	if (h->audit_fail) {
		h->fres = FENCE_NOT_STARTED;
		h->fseq++;
		return;
	}
	if (h->pending)
		return;
	h->pending = 1;
	h->fres = FENCE_RUNNING;
	h->fseq++;
	h->done_at = now + h->fencer_after;
	if (h->fencer_lands) {
		h->landing = 1;
		h->lands_at = now + h->fencer_lands;
	}
}

/* One script command (tokens w[0..n-1], time already stripped). */
static int
apply(struct sim *s, char **w, int n)
{
	struct sim_host	*h = NULL;
	struct sim_pool	*p;
	uint64_t	 a = 0, b = 0, c = 0;
	char		*tok, *save = NULL;
	size_t		 i;
	int		 e = 0;

	if (n >= 2 && strcmp(w[0], "pool") != 0 && strcmp(w[0], "host") != 0 &&
	    strcmp(w[0], "leader") != 0 && strcmp(w[0], "tick") != 0 &&
	    strcmp(w[0], "policy") != 0 && strcmp(w[0], "end") != 0 &&
	    strcmp(w[0], "reload") != 0) {
		if (num(w[1], &a) == -1 || (h = host_get(s, a)) == NULL)
			return -1;
	}
	if (strcmp(w[0], "tick") == 0 && n == 2) {
		if (num(w[1], &s->tick) == -1)
			return -1;
		s->pol.tick_ms = s->tick;
		return 0;
	}
	if (strcmp(w[0], "end") == 0 && n == 1)
		return 0;	/* time handled by the caller */
	if (strcmp(w[0], "policy") == 0 && n == 3)
		return num(w[2], &a) == -1 ? -1 : policy_set(&s->pol, w[1], a);
	if (strcmp(w[0], "reload") == 0 && n == 3)
		return reload(s, w[1], w[2]);
	if (strcmp(w[0], "leader") == 0 && n == 2) {
		s->leader = strcmp(w[1], "0") != 0;
		return 0;
	}
	if (strcmp(w[0], "host") == 0 && n == 6 &&
	    strcmp(w[2], "cluster") == 0 && strcmp(w[4], "pools") == 0) {
		if (num(w[1], &a) == -1 || num(w[3], &b) == -1 ||
		    s->nh == MAXH || host_get(s, a) != NULL)
			return -1;
		for (i = s->nh; i > 0 && s->h[i - 1].id > a; i--)
			s->h[i] = s->h[i - 1];
		h = &s->h[i];
		memset(h, 0, sizeof(*h));
		s->nh++;
		h->id = a;
		h->cluster = b;
		h->present = h->powered = 1;
		h->fencer_res = FENCE_OFF_CONFIRMED;
		h->fencer_after = 2000;
		for (tok = strtok_r(w[5], ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (num(tok, &c) == -1 || h->npools ==
			    CORE_MAX_POOLS_PER_HOST || !pool_get(s, c, 1))
				return -1;
			h->pools[h->npools++] = (uint32_t)c;
		}
		return 0;
	}
	if (strcmp(w[0], "pool") == 0 && n == 3) {
		if (num(w[1], &a) == -1 || (p = pool_get(s, a, 0)) == NULL)
			return -1;
		if (strcmp(w[2], "unreadable") == 0 || strcmp(w[2],
		    "readable") == 0)
			p->unreadable = w[2][0] == 'u';
		else if (strcmp(w[2], "stall") == 0 || strcmp(w[2],
		    "unstall") == 0)
			p->stalled = w[2][0] == 's';
		else
			return -1;
		return 0;
	}
	if (h == NULL)
		return -1;
	if (strcmp(w[0], "remove") == 0 && n == 2)
		h->present = 0;
	else if (strcmp(w[0], "beat") == 0 && n == 4 &&
	    strcmp(w[2], "every") == 0) {
		if (num(w[3], &h->every) == -1 || h->every == 0)
			return -1;
		h->beating = 1;
		h->next_beat = s->now;
	} else if (strcmp(w[0], "stop") == 0 && n == 2)
		h->stopped = 1;
	else if (strcmp(w[0], "resume") == 0 && n == 2) {
		h->stopped = 0;
		h->next_beat = s->now;
	} else if (strcmp(w[0], "hb") == 0 && n >= 5 &&
	    strcmp(w[2], "pool") == 0) {
		if (num(w[3], &b) == -1)
			return -1;
		for (i = 0; i < h->npools && h->pools[i] != b; i++)
			;
		if (i == h->npools)
			return -1;
		if (n == 8 && strcmp(w[4], "value") == 0 &&
		    strcmp(w[6], "mtime") == 0) {
			if (num(w[5], &h->f[i].value) == -1 ||
			    num(w[7], &c) == -1)
				return -1;
			h->f[i].mtime = (int64_t)c;
			h->f[i].exists = 1;
		} else if (n == 5 && name_lookup(w[4], n_hb, HB_LAST, &e) == 0)
			h->f[i].rd = (enum hb_status)e;
		else
			return -1;
	} else if (strcmp(w[0], "power") == 0 && n == 3) {
		if (strcmp(w[2], "on") == 0) {
			if (!h->powered)
				h->next_beat = s->now;
			h->powered = 1;
		} else if (strcmp(w[2], "off") == 0)
			h->powered = 0;
		else
			return -1;
	} else if (strcmp(w[0], "bmc") == 0 && n == 3) {
		h->bmc_set = h->bmc_none = 0;
		if (strcmp(w[2], "none") == 0)
			h->bmc_none = 1;
		else if (strcmp(w[2], "real") != 0) {
			if (name_lookup(w[2], n_pw, PWR_LAST, &e) == -1)
				return -1;
			h->bmc_set = 1;
			h->bmc = (enum pwr_obs)e;
		}
	} else if (strcmp(w[0], "fencer") == 0 && (n == 5 || n == 7) &&
	    strcmp(w[3], "after") == 0) {
		h->fencer_hang = strcmp(w[2], "hang") == 0;
		if (!h->fencer_hang && name_lookup(w[2], n_fr, FENCE_LAST,
		    &e) == -1)
			return -1;
		h->fencer_res = h->fencer_hang ? FENCE_RUNNING :
		    (enum fence_result)e;
		if (num(w[4], &h->fencer_after) == -1)
			return -1;
		h->fencer_lands = 0;
		if (n == 7 && (strcmp(w[5], "lands") != 0 ||
		    num(w[6], &h->fencer_lands) == -1))
			return -1;
	} else if (strcmp(w[0], "fence") == 0 && n == 3) {
		if (name_lookup(w[2], n_fr, FENCE_LAST, &e) == -1)
			return -1;
		h->fres = (enum fence_result)e;
		h->fseq++;
		h->pending = 0;
	} else if (strcmp(w[0], "vms") == 0 && n == 3) {
		if (num(w[2], &a) == -1)
			return -1;
		h->vms = (uint32_t)a;
	} else if (strcmp(w[0], "ignore") == 0 && n == 3) {
		if (name_lookup(w[2], n_ig, IGN_LAST, &e) == -1 || e == 0)
			return -1;
		h->ign = (enum ign_reason)e;
	} else if (strcmp(w[0], "unignore") == 0 && n == 2)
		h->ign = IGN_NONE;
	else if (strcmp(w[0], "share") == 0 && n == 3) {
		if (num(w[2], &b) == -1 || (b != 0 && host_get(s, b) == NULL))
			return -1;
		h->share = b;		/* 0: its own files again */
	} else if (strcmp(w[0], "dupip") == 0 && n == 3)
		h->dup_ip = strcmp(w[2], "on") == 0;
	else if (strcmp(w[0], "audit") == 0 && n == 3)
		h->audit_fail = strcmp(w[2], "fail") == 0;
	else if (strcmp(w[0], "recorded") == 0 && n == 3) {
		if (num(w[2], &a) == -1)
			return -1;
		h->recorded = (uint32_t)a;
	} else if (strcmp(w[0], "confirm") == 0 && n == 2)
		h->confirm = 1;
	else if (strcmp(w[0], "unconfirm") == 0 && n == 2)
		h->confirm = 0;
	else if (strcmp(w[0], "libvirt") == 0 && n == 3) {
		static const char *const lv[] = { "none", "real", "answer",
		    "silent" };

		for (i = 0; i < 4 && strcmp(w[2], lv[i]) != 0; i++)
			;
		if (i == 4)
			return -1;
		h->lv = (int)i;
	} else if (strcmp(w[0], "identity") == 0 && n == 3) {
		if (strcmp(w[2], "unknown") == 0)
			h->identity = BMC_ID_UNKNOWN;
		else if (strcmp(w[2], "match") == 0)
			h->identity = BMC_ID_MATCH;
		else if (strcmp(w[2], "mismatch") == 0)
			h->identity = BMC_ID_MISMATCH;
		else
			return -1;
	} else if (strcmp(w[0], "clear") == 0 && n == 3 &&
	    strcmp(w[2], "bmc_contradiction") == 0) {
		if (!h->contra_open)	/* the CLI refuses: no open alert */
			return -1;
		h->contra_open = 0;
		h->contra_cleared = h->contra_row;
	} else if (strcmp(w[0], "view") == 0 && n == 2)
		return 1;	/* printed after the tick */
	else
		return -1;
	return 0;
}

/* The world moves: fencer completions, heartbeat writes, BMC readings. */
static void
world(struct sim *s)
{
	struct sim_host	*h;
	struct sim_pool	*p;
	size_t		 i, j;

	for (i = 0; i < s->nh; i++) {
		h = &s->h[i];
		if (h->landing && s->now >= h->lands_at) {
			h->landing = 0;
			h->powered = 0;
		}
		if (h->pending && !h->fencer_hang && s->now >= h->done_at) {
			h->pending = 0;
			h->fres = h->fencer_res;
			h->fseq++;
			if (h->fres == FENCE_OFF_CONFIRMED)
				h->powered = 0;
		}
		if (h->beating && !h->stopped && h->powered &&
		    s->now >= h->next_beat) {
			for (j = 0; j < h->npools; j++) {
				p = pool_get(s, h->pools[j], 0);
				if (p->stalled)
					continue;
				h->f[j].value = (uint64_t)(SERVER0 +
				    (int64_t)s->now) / 1000;
				h->f[j].mtime = SERVER0 + (int64_t)s->now;
				h->f[j].exists = 1;
			}
			while (h->next_beat <= s->now)
				h->next_beat += h->every;
		}
		if (h->probe_pending) {	/* last tick's probe is back */
			h->probe_pending = 0;
			h->probe = (h->lv == LV_ANSWER || (h->lv == LV_REAL &&
			    h->powered)) ? PROBE_ANSWERED : PROBE_SILENT;
			h->probe_pseq_done = h->probe_pseq;
			h->probe_seq++;
		}
		if (!h->bmc_none) {
			h->pseq++;
			h->bmc = h->bmc_set ? h->bmc :
			    (h->powered ? PWR_ON : PWR_OFF);
		}
		/* the executor probes libvirt while the BMC reads off */
		if (h->lv != LV_NONE && h->bmc == PWR_OFF) {
			h->probe_pending = 1;
			h->probe_pseq = h->pseq;
		}
	}
}

/* The file host h's pool j reads: its own, or the one it shares (same
 * private IP: same hb-<ip> file on that pool). */
static const struct sim_file *
shared_file(struct sim *s, const struct sim_host *h, size_t j)
{
	const struct sim_host	*o;
	size_t			 k;

	if (h->share == 0 || (o = host_get(s, h->share)) == NULL)
		return &h->f[j];
	for (k = 0; k < o->npools; k++)
		if (o->pools[k] == h->pools[j])
			return &o->f[k];
	return &h->f[j];
}

static size_t
build_obs(struct sim *s, struct host_obs *ho, struct pool_obs *po)
{
	struct sim_host	*h;
	struct sim_pool	*p;
	struct hb_reading *r;
	size_t		 i, j, n = 0;

	for (i = 0; i < s->np; i++) {
		po[i].pool_id = s->p[i].id;
		po[i].readable = !s->p[i].unreadable;
	}
	for (i = 0; i < s->nh; i++) {
		h = &s->h[i];
		if (!h->present)
			continue;
		memset(&ho[n], 0, sizeof(ho[n]));
		ho[n].host_id = h->id;
		ho[n].cluster_id = h->cluster;
		ho[n].ignored = h->ign;
		ho[n].nhb = h->npools;
		for (j = 0; j < h->npools; j++) {
			const struct sim_file *f = shared_file(s, h, j);

			p = pool_get(s, h->pools[j], 0);
			r = &ho[n].hb[j];
			r->pool_id = h->pools[j];
			if (p->unreadable)
				r->status = HB_UNKNOWN;
			else if (f->rd != HB_OK)
				r->status = f->rd;
			else if (!f->exists)
				r->status = HB_MISSING;
			else {
				r->status = HB_OK;
				r->value = f->value;
				r->mtime_ms = f->mtime;
			}
		}
		ho[n].power = h->bmc_none && h->pseq == 0 ? PWR_UNKNOWN :
		    h->bmc;
		ho[n].power_seq = h->pseq;
		ho[n].fence = h->fres;
		ho[n].fence_seq = h->fseq;
		ho[n].vms_active = h->vms;
		ho[n].operator_confirmed_off = h->confirm;
		ho[n].dup_ip = h->dup_ip;
		ho[n].fence_attempts_recorded = h->recorded;
		ho[n].probe = h->lv == LV_NONE ? PROBE_NO_ENDPOINT :
		    h->probe_seq == 0 ? PROBE_NONE : h->probe;
		ho[n].probe_seq = h->probe_seq;
		ho[n].probe_power_seq = h->probe_pseq_done;
		ho[n].identity = h->identity;
		ho[n].contradiction_open = h->contra_open;
		ho[n].contradiction_cleared = h->contra_cleared;
		n++;
	}
	return n;
}

static void
print_tick(struct sim *s, const struct actions *acts,
    const struct core_events *evs)
{
	const struct action	*a;
	size_t			 i;
	unsigned long long	 t = (unsigned long long)s->now;

	for (i = 0; i < evs->n; i++)
		outf(s, "%llu host %llu: %s -> %s (%s)\n", t,
		    (unsigned long long)evs->v[i].host_id,
		    host_state_name(evs->v[i].from),
		    host_state_name(evs->v[i].to), act_why_name(evs->v[i].why));
	for (i = 0; i < acts->n; i++) {
		a = &acts->v[i];
		if (a->host_id != 0)
			outf(s, "%llu host %llu: %s (%s)", t,
			    (unsigned long long)a->host_id,
			    act_kind_name(a->kind), act_why_name(a->why));
		else if (a->pool_id != 0)
			outf(s, "%llu pool %u: %s (%s)", t, a->pool_id,
			    act_kind_name(a->kind), act_why_name(a->why));
		else
			outf(s, "%llu cluster %llu: %s (%s)", t,
			    (unsigned long long)a->cluster_id,
			    act_kind_name(a->kind), act_why_name(a->why));
		if (a->host_id != 0 && a->pool_id != 0)
			outf(s, " pool %u", a->pool_id);
		outf(s, "\n");
	}
}

static void
print_view(struct sim *s, struct core_state *st, uint64_t id)
{
	const struct host_core_view *v = core_host_view(st, id);

	if (v == NULL) {
		outf(s, "%llu host %llu: view none\n",
		    (unsigned long long)s->now, (unsigned long long)id);
		return;
	}
	outf(s, "%llu host %llu: view state=%s hold=%s attempts=%u alert=%s "
	    "stale_ms=%llu power=%s\n", (unsigned long long)s->now,
	    (unsigned long long)id, host_state_name(v->state),
	    act_why_name(v->hold), v->fence_attempts,
	    v->alert ? act_why_name(v->alert_why) : "none",
	    (unsigned long long)v->stale_ms, pwr_obs_name(v->power));
}

struct line { uint64_t t; char *w[12]; int n; int lineno; };

/* Parse and run one scenario; fills s->out.  -1 with s->err on error. */
static int
run_script(struct sim *s, const char *path)
{
	static struct line	 L[1024];
	static char		 buf[64 * 1024];
	static struct host_obs	 ho[MAXH];
	static struct pool_obs	 po[MAXP];
	static struct action	 av[4096];
	static struct core_event ev[4096];
	struct actions		 acts = { av, 0, 4096 };
	struct core_events	 evs = { ev, 0, 4096 };
	struct core_state	*st;
	struct core_obs		 obs;
	FILE			*f;
	char			*line, *save, *tok, *sv2;
	size_t			 nl = 0, k = 0, len, i;
	int			 lineno = 0, r, nviews;
	uint64_t		 views[16];

	if ((f = fopen(path, "r")) == NULL) {
		fmtb(s->err, sizeof(s->err), "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (strchr(line, '#'))
			*strchr(line, '#') = '\0';
		memset(&L[nl], 0, sizeof(L[nl]));
		L[nl].lineno = lineno;
		for (tok = strtok_r(line, " \t", &sv2); tok != NULL &&
		    L[nl].n < 12; tok = strtok_r(NULL, " \t", &sv2)) {
			if (strncmp(tok, "t=", 2) == 0) {
				if (parse_u64(tok + 2, &L[nl].t) == -1)
					goto bad;
			} else
				L[nl].w[L[nl].n++] = tok;
		}
		if (L[nl].n == 0)
			continue;
		if (strcmp(L[nl].w[0], "end") == 0) {
			s->end = L[nl].t;
			continue;
		}
		if ((nl > 0 && L[nl].t < L[nl - 1].t) ||
		    (L[nl].t > 0 && strcmp(L[nl].w[0], "policy") == 0))
			goto bad;
		if (++nl == 1024)
			goto bad;
	}
	s->out[0] = '\0';
	if ((st = core_state_new()) == NULL)
		return -1;
	for (s->now = 0; s->now <= s->end; s->now += s->tick) {
		nviews = 0;
		for (; k < nl && L[k].t <= s->now; k++) {
			lineno = L[k].lineno;
			if ((r = apply(s, L[k].w, L[k].n)) == -1)
				goto bad_st;
			if (r == 1 && nviews < 16)
				parse_u64(L[k].w[1], &views[nviews++]);
			if (s->now == 0 && core_policy_check(&s->pol,
			    s->err) == -1) {
				core_state_free(st);
				return -1;
			}
		}
		world(s);
		obs.now_ms = s->now;
		obs.is_leader = s->leader;
		obs.hosts = ho;
		obs.nhosts = build_obs(s, ho, po);
		obs.pools = po;
		obs.npools = s->np;
		acts.n = evs.n = 0;
		if (core_state_reserve(st, obs.nhosts, obs.npools) == -1 ||
		    core_step(&s->pol, st, &obs, &acts, &evs) == -1) {
			core_obs_check(&s->pol, st, &obs, &acts, &evs, s->err);
			core_state_free(st);
			return -1;
		}
		print_tick(s, &acts, &evs);
		for (i = 0; i < (size_t)nviews; i++)
			print_view(s, st, views[i]);
		for (i = 0; i < acts.n; i++) {
			struct sim_host *h = host_get(s, av[i].host_id);

			if (h != NULL && av[i].kind == ACT_FENCE)
				fence_start(h, s->now);
			if (h != NULL && av[i].kind == ACT_RECONCILE)
				h->vms = 0;
			if (h != NULL && av[i].kind == ACT_ALERT &&
			    av[i].why == WHY_BMC_CONTRADICTION &&
			    !h->contra_open) {	/* the alerts row */
				h->contra_open = 1;
				h->contra_row = ++g_alert_rows;
			}
		}
		if (s->tick == 0)
			break;
	}
	core_state_free(st);
	return 0;
bad_st:
	core_state_free(st);
bad:
	fmtb(s->err, sizeof(s->err), "%s:%d: bad line", path, lineno);
	return -1;
}

static int
run_story(const char *script, char *out, size_t *outn, char *err,
    size_t errsz)
{
	static struct sim	s;
	int			r;

	sim_defaults(&s);
	s.out = out;
	r = run_script(&s, script);
	*outn = s.outn;
	if (r == -1)
		fmtb(err, errsz, "%s", s.err);
	return r;
}

int
main(void)
{
	return sg_main("core", run_story);
}
