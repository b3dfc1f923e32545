/*
 * virtprobe.c -- integration probe over reconcile/virt.h (and, for the
 * `sweep` command, src/core/sweep_core.h).
 *
 * usage: virtprobe [options] URI [-u URI2 ...] COMMAND...
 *   Host 1 is URI, host 2.. are the -u URIs.  Commands run in order in one
 *   process, so connections (and test:///file.xml private state) are reused:
 *     open                 open every host (each with the deadline)
 *     observe              observe every host concurrently
 *     abort DOM[@N]        abort DOM's job on host N (default 1)
 *     resume DOM[@N]       resume DOM on host N, settle, re-read
 *     sweep                observe + sweep_step + execute + sweep_report
 *                          (CloudStack facts assumed: Running here, no
 *                          snapshot, not opted out in config)
 *     sleep MS
 *     waitfile PATH        block until PATH exists (at most 60 s)
 *     expand TMPL IP       print virt_uri_expand(TMPL, IP)
 *   options: -t timeout_ms (5000)  -s settle_ms (2000)  -g grace_ms (0)
 *            -j stall_ms (600000)  -b backoff_ms (60000)  -m attempts (3)
 *            -v (log at info)
 * Output: one key=value line per host, domain, action and sweep record.
 * Exit: 0 when every command ran (whatever libvirt said), 64 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "sweep_core.h"
#include "util.h"
#include "virt.h"

#define MAX_HOSTS	8
#define MAX_TRACK	256

static struct virt_conn	*conns[MAX_HOSTS];
static size_t		 nconns;
static uint64_t		 timeout_ms = 5000, settle_ms = 2000;
static struct sweep_policy pol;
static struct sweep_track tracks[MAX_TRACK];
static struct sweep_state sst;

static void
usage(void)
{
	fprintf(stderr, "usage: virtprobe [-t ms] [-s ms] [-g ms] [-j ms] "
	    "[-b ms] [-m n] [-v] URI [-u URI]... COMMAND...\n");
	exit(64);
}

static const char *
q(char *buf, size_t len, const char *s)
{
	return log_quote(buf, len, s);
}

static void
print_host(const struct virt_host_obs *o)
{
	char	b[ERR_LEN + 8], de[512];
	size_t	i, n;
	int	k;

	if (o->rc != VIRT_OK) {
		printf("host=%u rc=%s elapsed_ms=%llu err=%s\n", o->host_id,
		    virt_rc_name(o->rc), (unsigned long long)o->elapsed_ms,
		    q(b, sizeof(b), o->err));
		return;
	}
	printf("host=%u rc=ok elapsed_ms=%llu opened=%d running=%u paused=%zu "
	    "other=%u\n", o->host_id, (unsigned long long)o->elapsed_ms,
	    o->opened, o->nrunning, o->npaused, o->nother);
	for (i = 0; i < o->npaused; i++) {
		const struct dom_obs *d = &o->paused[i];

		de[0] = '\0';
		for (k = 0, n = 0; k < d->ndisk_errors; k++)
			n += (size_t)snprintf(de + n, sizeof(de) - n, "%s%s: %s",
			    k ? ", " : "", d->disk_errors[k].disk,
			    d->disk_errors[k].name);
		if (d->ndisk_errors < 0)
			snprintf(de, sizeof(de), "unknown");
		printf("dom host=%u name=%s uuid=%s state=%s reason=%s/%d "
		    "job=%s job_type=%s op=%s/%d processed=%llu remaining=%llu "
		    "total=%llu job_ms=%llu disk_errors=%s marker=%s",
		    o->host_id, d->name, d->uuid, d->state_name,
		    d->reason_name, d->reason, virt_job_name(d->job),
		    virt_jobtype_name(d->job_type), virt_jobop_name(d->job_op),
		    d->job_op, (unsigned long long)d->data_processed,
		    (unsigned long long)d->data_remaining,
		    (unsigned long long)d->data_total,
		    (unsigned long long)d->job_elapsed_ms,
		    q(b, sizeof(b), de), virt_marker_name(d->marker));
		virt_job_fmt(d, de, sizeof(de));
		printf(" mode=%s progress=%s", virt_backup_mode_name(
		    d->backup_mode), q(b, sizeof(b), de));
		printf(" note=%s\n", q(b, sizeof(b), d->note));
	}
}

static void
observe_all(struct virt_host_obs *obs)
{
	uint64_t	t0 = clock_mono_ms();
	size_t		i;

	virt_observe_hosts(conns, nconns, timeout_ms, obs);
	for (i = 0; i < nconns; i++)
		print_host(&obs[i]);
	printf("observe total_ms=%llu\n",
	    (unsigned long long)(clock_mono_ms() - t0));
}

static struct virt_conn *
host_of(char *ref, char **dom, uint32_t *host)
{
	char		*at = strrchr(ref, '@');
	uint64_t	 n = 1;

	if (at != NULL) {
		*at = '\0';
		if (parse_u64(at + 1, &n) < 0 || n < 1 || n > nconns)
			usage();
	}
	*dom = ref;
	*host = (uint32_t)n;
	return conns[n - 1];
}

static void
print_act(const char *what, uint32_t host, const char *dom,
    const struct virt_act *a)
{
	char	b[ERR_LEN + 8];

	printf("%s host=%u dom=%s rc=%s state=%s reason=%s elapsed_ms=%llu "
	    "err=%s\n", what, host, dom, virt_rc_name(a->rc),
	    a->state_name ? a->state_name : "-",
	    a->reason_name ? a->reason_name : "-",
	    (unsigned long long)a->elapsed_ms, q(b, sizeof(b), a->err));
}

/* One sweep tick, the way tick.c would run it (CloudStack facts faked). */
static void
sweep_once(void)
{
	struct virt_host_obs	 obs[MAX_HOSTS];
	struct sweep_host	 hosts[MAX_HOSTS];
	struct sweep_dom	*doms[MAX_HOSTS];
	struct sweep_action	*av;
	struct sweep_actions	 acts;
	struct sweep_input	 in;
	struct virt_act		 a;
	char			 err[ERR_LEN], b[SWEEP_TEXT_LEN + 8];
	size_t			 i, k, total = 1;
	uint64_t		 now;

	virt_observe_hosts(conns, nconns, timeout_ms, obs);
	now = clock_mono_ms();
	for (i = 0; i < nconns; i++) {
		print_host(&obs[i]);
		doms[i] = xcalloc(obs[i].npaused, sizeof(*doms[i]));
		for (k = 0; k < obs[i].npaused; k++) {
			virt_obs_to_sweep(&obs[i].paused[k], &doms[i][k]);
			doms[i][k].cs_running_here = 1;
		}
		hosts[i] = (struct sweep_host){ obs[i].host_id, 1,
		    obs[i].rc == VIRT_OK, doms[i], obs[i].npaused };
		total += obs[i].npaused + 1;
	}
	av = xcalloc(total, sizeof(*av));
	acts = (struct sweep_actions){ av, 0, total };
	in = (struct sweep_input){ now, hosts, nconns };
	if (sweep_step(&pol, &sst, &in, &acts, err) < 0) {
		printf("sweep error=%s\n", q(b, sizeof(b), err));
		goto out;
	}
	for (i = 0; i < acts.n; i++) {
		struct sweep_action	*x = &acts.v[i];
		struct virt_conn	*vc = conns[x->host_id - 1];
		int			 res = -1;

		printf("sweep host=%u dom=%s act=%s why=%s attempts=%u text=%s\n",
		    x->host_id, x->name, sweep_act_name(x->kind),
		    sweep_why_name(x->why), x->attempts,
		    q(b, sizeof(b), x->text));
		if (x->kind == SWA_ABORT_JOB) {
			virt_abort_job(vc, x->uuid, timeout_ms, &a);
			print_act("abort", x->host_id, x->name, &a);
			res = virt_abort_result(a.rc);
		} else if (x->kind == SWA_RESUME) {
			virt_resume(vc, x->uuid, pol.resume_settle_ms,
			    timeout_ms, &a);
			print_act("resume", x->host_id, x->name, &a);
			res = virt_resume_result(a.rc);
		}
		if (res >= 0) {
			sweep_report(&pol, &sst, clock_mono_ms(), x->host_id,
			    x->uuid, (enum sweep_result)res, err);
			printf("report host=%u dom=%s result=%s\n", x->host_id,
			    x->name, sweep_result_name(res));
		}
	}
out:
	for (i = 0; i < nconns; i++) {
		free(doms[i]);
		virt_host_obs_clear(&obs[i]);
	}
	free(av);
}

static uint64_t
num(const char *s)
{
	uint64_t	v;

	if (parse_u64(s, &v) < 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct virt_host_obs	 obs[MAX_HOSTS];
	struct virt_act		 a;
	const char		*uris[MAX_HOSTS];
	char			 err[ERR_LEN], out[VIRT_URI_LEN], b[ERR_LEN + 8];
	char			*dom;
	struct virt_conn	*vc;
	size_t			 nuris = 0, i;
	uint32_t		 host;
	int			 c, ok = 1;
	uint64_t		 end;

	sweep_policy_default(&pol);
	pol.pause_grace_ms = 0;
	log_set_level(LOG_LVL_WARN);
	while ((c = getopt(argc, argv, "t:s:g:j:b:m:u:v")) != -1) {
		switch (c) {
		case 't': timeout_ms = num(optarg); break;
		case 's': settle_ms = num(optarg); break;
		case 'g': pol.pause_grace_ms = num(optarg); break;
		case 'j': pol.job_stall_after_ms = num(optarg); break;
		case 'b': pol.resume_backoff_ms = num(optarg); break;
		case 'm': pol.max_resume_attempts = (uint32_t)num(optarg); break;
		case 'u':
			if (nuris + 1 >= MAX_HOSTS)
				usage();
			uris[1 + nuris++] = optarg;
			break;
		case 'v': log_set_level(LOG_LVL_INFO); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc >= 3 && strcmp(argv[0], "expand") == 0) {
		if (virt_uri_expand(argv[1], argv[2], out, sizeof(out), err) < 0) {
			printf("expand rc=error err=%s\n", q(b, sizeof(b), err));
			return 0;
		}
		printf("expand uri=%s\n", out);
		return 0;
	}
	if (argc < 2)
		usage();
	pol.resume_settle_ms = settle_ms;
	if (sweep_policy_check(&pol, err) < 0) {
		fprintf(stderr, "virtprobe: %s\n", err);
		return 64;
	}
	sweep_state_init(&sst, tracks, MAX_TRACK);
	uris[0] = argv[0];
	nuris++;
	if (virt_init(err) < 0) {
		fprintf(stderr, "virtprobe: %s\n", err);
		return 1;
	}
	for (i = 0; i < nuris; i++)
		conns[nconns++] = virt_conn_new((uint32_t)i + 1, uris[i]);

	for (argc--, argv++; argc > 0; argc--, argv++) {
		if (strcmp(argv[0], "open") == 0) {
			for (i = 0; i < nconns; i++) {
				uint64_t t0 = clock_mono_ms();
				enum virt_rc rc = virt_open(conns[i],
				    timeout_ms, err);

				printf("open host=%zu rc=%s elapsed_ms=%llu "
				    "err=%s\n", i + 1, virt_rc_name(rc),
				    (unsigned long long)(clock_mono_ms() - t0),
				    rc == VIRT_OK ? "\"\"" :
				    q(b, sizeof(b), err));
			}
		} else if (strcmp(argv[0], "observe") == 0) {
			observe_all(obs);
			for (i = 0; i < nconns; i++)
				virt_host_obs_clear(&obs[i]);
		} else if (strcmp(argv[0], "sweep") == 0) {
			sweep_once();
		} else if ((strcmp(argv[0], "abort") == 0 ||
		    strcmp(argv[0], "resume") == 0) && argc > 1) {
			vc = host_of(argv[1], &dom, &host);
			if (argv[0][0] == 'a')
				virt_abort_job(vc, dom, timeout_ms, &a);
			else
				virt_resume(vc, dom, settle_ms, timeout_ms, &a);
			print_act(argv[0], host, dom, &a);
			argc--, argv++;
		} else if (strcmp(argv[0], "sleep") == 0 && argc > 1) {
			clock_sleep_ms(num(argv[1]));
			argc--, argv++;
		} else if (strcmp(argv[0], "waitfile") == 0 && argc > 1) {
			end = clock_mono_ms() + 60000;
			while (access(argv[1], F_OK) != 0 &&
			    clock_mono_ms() < end)
				clock_sleep_ms(20);
			argc--, argv++;
		} else {
			fprintf(stderr, "virtprobe: bad command '%s'\n",
			    argv[0]);
			ok = 0;
			break;
		}
		fflush(stdout);
	}
	for (i = 0; i < nconns; i++)
		virt_conn_free(conns[i]);
	virt_shutdown();
	return ok ? 0 : 64;
}
