/*
 * check_story_sweep.c -- golden stories of the paused-domain sweeper
 * (S7) (`layer sweep` scripts under tests/scenarios/).
 *
 * A story sets up hosts (alive or not, libvirt answering or not) and
 * their paused domains with the facts sweep_step() looks at, changes them
 * at explicit times, and says how each action ends (`outcome`).  Each
 * tick the runner calls sweep_step() with a fake clock, prints every
 * action (abort-job, resume, give-up) and every change of a domain's
 * skip/leave reason, then executes the actions and reports their outcome
 * with sweep_report(), as reconcile/sweep.c does: a resumed domain leaves
 * the paused list (it runs), an aborted job is gone at the next look.
 * Language: tests/scenarios/README.
 */
#include <check.h>

#include "backup_progress.h"
#include "story_golden.h"
#include "sweep_core.h"

#define MAXH	4
#define MAXD	8

struct sdom {
	struct sweep_dom	 d;
	uint32_t		 host;
	int			 paused;
	int			 outcome_set;
	enum sweep_result	 outcome;	/* for its next action */
	int			 unreported;	/* never report the outcome */
	char			 last[64];	/* last printed kind/why */
};

static struct sweep_host	 H[MAXH];
static char			 hlast[MAXH][64];	/* last host record */
static size_t			 NH;
static struct sdom		 D[MAXD];
static size_t			 ND;
static struct sweep_policy	 P;

static struct sdom *
dom_of(const char *uuid)
{
	size_t	i;

	for (i = 0; i < ND; i++)
		if (strcmp(D[i].d.uuid, uuid) == 0)
			return &D[i];
	return NULL;
}

static struct sweep_host *
host_of(uint32_t id)
{
	size_t	i;

	for (i = 0; i < NH; i++)
		if (H[i].host_id == id)
			return &H[i];
	return NULL;
}

static int
reason_parse(const char *s)
{
	int	r;

	for (r = 0; r <= SPR_API_ERROR; r++)
		if (strcmp(sweep_preason_name(r), s) == 0)
			return r;
	return -1;
}

/* The facts after a dom/set line's uuid: keyword value pairs and flags. */
static int
dom_facts(struct sdom *x, char **w, int n, int from)
{
	struct sweep_dom	*d = &x->d;
	const char		*v;

	if ((v = sg_kw(w, n, from, "reason")) != NULL &&
	    (d->reason = reason_parse(v)) == -1)
		return -1;
	if ((v = sg_kw(w, n, from, "job")) != NULL) {
		if (strcmp(v, "none") == 0)
			d->job = SJ_NONE;
		else if (strcmp(v, "active") == 0)
			d->job = SJ_ACTIVE;
		else if (strcmp(v, "unsupported") == 0)
			d->job = SJ_UNSUPPORTED;
		else if (strcmp(v, "unknown") == 0)
			d->job = SJ_UNKNOWN;
		else
			return -1;
	}
	if ((v = sg_kw(w, n, from, "bytes")) != NULL) {
		/* a push-mode backup's main counter */
		d->job_processed = sg_u64(v);
		bp_set(&d->job_progress, BPF_DISK_PROCESSED, d->job_processed);
	}
	if ((v = sg_kw(w, n, from, "op")) != NULL)
		d->job_op = (int)sg_u64(v);
	if ((v = sg_kw(w, n, from, "marker")) != NULL)
		d->marker = strcmp(v, "present") == 0 ? SM_PRESENT :
		    strcmp(v, "unknown") == 0 ? SM_UNKNOWN : SM_ABSENT;
	if ((v = sg_kw(w, n, from, "cs_running_here")) != NULL)
		d->cs_running_here = sg_u64(v) != 0;
	if ((v = sg_kw(w, n, from, "snapshot")) != NULL)
		d->snapshot_in_progress = sg_u64(v) != 0;
	if ((v = sg_kw(w, n, from, "optout")) != NULL)
		d->optout_config = sg_u64(v) != 0;
	if ((v = sg_kw(w, n, from, "paused")) != NULL)
		x->paused = sg_u64(v) != 0;
	return 0;
}

static int
dom_add(char **w, int n)
{
	struct sdom	*x = &D[ND];

	if (ND == MAXD || n < 3 || host_of((uint32_t)sg_u64(w[1])) == NULL)
		return -1;
	memset(x, 0, sizeof(*x));
	x->host = (uint32_t)sg_u64(w[1]);
	snprintf(x->d.uuid, sizeof(x->d.uuid), "%s", w[2]);
	snprintf(x->d.name, sizeof(x->d.name), "i-%s", w[2]);
	x->d.reason = SPR_IOERROR;
	x->d.cs_running_here = 1;
	x->paused = 1;
	ND++;
	return dom_facts(x, w, n, 3);
}

static int
result_parse(const char *s, struct sdom *x)
{
	int	r;

	x->outcome_set = 1;
	x->unreported = strcmp(s, "none") == 0;
	for (r = SWR_RESUMED; r <= SWR_VANISHED; r++)
		if (strcmp(sweep_result_name((enum sweep_result)r), s) == 0) {
			x->outcome = (enum sweep_result)r;
			return 0;
		}
	return x->unreported ? 0 : -1;
}

static int
policy_line(char **w, int n)
{
	uint64_t	v;

	if (n != 3)
		return -1;
	v = sg_u64(w[2]);
	if (strcmp(w[1], "pause_grace_ms") == 0)
		P.pause_grace_ms = v;
	else if (strcmp(w[1], "job_stall_after_ms") == 0)
		P.job_stall_after_ms = v;
	else if (strcmp(w[1], "max_resume_attempts") == 0)
		P.max_resume_attempts = (uint32_t)v;
	else if (strcmp(w[1], "resume_backoff_ms") == 0)
		P.resume_backoff_ms = v;
	else if (strcmp(w[1], "resume_backoff_max_ms") == 0)
		P.resume_backoff_max_ms = v;
	else
		return -1;
	return 0;
}

static int
one_line(char **w, int n, uint64_t *tick)
{
	struct sweep_host	*h;
	struct sdom		*x;

	if (strcmp(w[0], "policy") == 0)
		return policy_line(w, n);
	if (strcmp(w[0], "tick") == 0 && n == 2) {
		*tick = sg_u64(w[1]);
		return *tick == 0 ? -1 : 0;
	}
	if (strcmp(w[0], "host") == 0 && n >= 2) {
		if ((h = host_of((uint32_t)sg_u64(w[1]))) == NULL) {
			if (NH == MAXH)
				return -1;
			h = &H[NH++];
			memset(h, 0, sizeof(*h));
			h->host_id = (uint32_t)sg_u64(w[1]);
			h->alive = h->observed = 1;
		}
		if (sg_flag(w, n, 2, "dead"))
			h->alive = 0;
		if (sg_flag(w, n, 2, "alive"))
			h->alive = 1;
		if (sg_flag(w, n, 2, "unobserved"))
			h->observed = 0;
		if (sg_flag(w, n, 2, "observed"))
			h->observed = 1;
		return 0;
	}
	if (strcmp(w[0], "dom") == 0)
		return dom_add(w, n);
	if (n < 3 || (x = dom_of(w[1])) == NULL)
		return -1;
	if (strcmp(w[0], "set") == 0)
		return dom_facts(x, w, n, 2);
	if (strcmp(w[0], "outcome") == 0 && n == 3)
		return result_parse(w[2], x);
	return -1;
}

/* The paused domains of each host, as libvirt would list them. */
static void
build_input(struct sweep_input *in, uint64_t now)
{
	static struct sweep_dom	 doms[MAXH][MAXD];
	size_t			 i, j;

	for (i = 0; i < NH; i++) {
		H[i].ndoms = 0;
		H[i].doms = doms[i];
		for (j = 0; j < ND; j++)
			if (D[j].host == H[i].host_id && D[j].paused)
				doms[i][H[i].ndoms++] = D[j].d;
	}
	in->now_ms = now;
	in->hosts = H;
	in->nhosts = NH;
}

static void
print_action(const struct sweep_action *a, uint64_t now, char *out,
    size_t *outn)
{
	struct sdom	*x = a->uuid[0] ? dom_of(a->uuid) : NULL;
	char		 key[64], *last = NULL;
	size_t		 i;

	for (i = 0; x == NULL && i < NH; i++)
		if (H[i].host_id == a->host_id)
			last = hlast[i];
	if (x != NULL)
		last = x->last;
	sg_fmt(key, sizeof(key), "%s %s", sweep_act_name(a->kind),
	    sweep_why_name(a->why));
	if (last != NULL && (a->kind == SWA_SKIP || a->kind == SWA_LEAVE) &&
	    strcmp(last, key) == 0)
		return;
	if (last != NULL)
		sg_fmt(last, 64, "%s", key);
	sg_out(out, outn, "%llu host %u %s: %s attempts=%u\n",
	    (unsigned long long)now, a->host_id,
	    a->uuid[0] ? a->uuid : "-", key, a->attempts);
}

static struct sweep_state	 S;
static struct sweep_track	 TR[MAXD];

/* Execute an action: its scripted outcome (default: it works). */
static int
execute(const struct sweep_action *a, uint64_t now, char *out, size_t *outn,
    char *err)
{
	struct sdom		*x = dom_of(a->uuid);
	enum sweep_result	 r;

	if (x == NULL || (a->kind != SWA_RESUME && a->kind != SWA_ABORT_JOB))
		return 0;
	if (x->unreported)
		return 0;
	r = a->kind == SWA_RESUME ? SWR_RESUMED : SWR_ABORTED;
	if (x->outcome_set)
		r = x->outcome;
	if (r == SWR_RESUMED || r == SWR_VANISHED)
		x->paused = 0;
	if (r == SWR_ABORTED)
		x->d.job = SJ_NONE;
	sg_out(out, outn, "%llu host %u %s: reported %s\n",
	    (unsigned long long)now, a->host_id, a->uuid,
	    sweep_result_name(r));
	return sweep_report(&P, &S, now, a->host_id, a->uuid, r, err);
}

static int
run_story(const char *script, char *out, size_t *outn, char *err,
    size_t errsz)
{
	static char		 buf[64 * 1024];
	static struct sg_line	 L[256];
	static struct sweep_action av[MAXH * MAXD + MAXH];
	struct sweep_actions	 acts = { av, 0, MAXH * MAXD + MAXH };
	struct sweep_input	 in;
	char			 e[256];
	size_t			 nl, k = 0, i;
	uint64_t		 end = 120000, tick = 5000, now;

	NH = ND = 0;
	memset(hlast, 0, sizeof(hlast));
	sweep_policy_default(&P);
	P.pause_grace_ms = 10000;
	P.job_stall_after_ms = 30000;
	P.resume_backoff_ms = 10000;
	P.resume_backoff_max_ms = 40000;
	sweep_state_init(&S, TR, MAXD);
	if (sg_parse(script, buf, sizeof(buf), L, 256, &nl, &end, err,
	    errsz) == -1)
		return -1;
	for (now = 0; now <= end; now += tick) {
		for (; k < nl && L[k].t <= now; k++)
			if (one_line(L[k].w, L[k].n, &tick) == -1) {
				sg_fmt(err, errsz, "%s:%d: bad line", script,
				    L[k].lineno);
				return -1;
			}
		if (now == 0 && sweep_policy_check(&P, e) == -1) {
			sg_fmt(err, errsz, "%s: policy: %s", script, e);
			return -1;
		}
		build_input(&in, now);
		if (sweep_step(&P, &S, &in, &acts, e) == -1) {
			sg_fmt(err, errsz, "%s: sweep_step: %s", script, e);
			return -1;
		}
		for (i = 0; i < acts.n; i++)
			print_action(&av[i], now, out, outn);
		for (i = 0; i < acts.n; i++)
			if (execute(&av[i], now, out, outn, e) == -1) {
				sg_fmt(err, errsz, "%s: report: %s", script, e);
				return -1;
			}
	}
	return 0;
}

int
main(void)
{
	return sg_main("sweep", run_story);
}
