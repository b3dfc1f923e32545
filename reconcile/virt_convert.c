/*
 * virt_convert.c -- the libvirt adapter's pure helpers: URI templates and
 * the translation into the sweep core's vocabulary (struct sweep_dom, enum
 * sweep_result).  The names of libvirt's numbers are in names.c.
 *
 * No connection is touched here; libvirt headers give only constants.
 * The static assertions below keep the core's mirror of libvirt's pause
 * reasons (src/core/sweep_core.h, which must not include libvirt) honest.
 */
#include <stdio.h>
#include <string.h>

#include <libvirt/libvirt.h>

#include "sweep_core.h"
#include "util.h"
#include "virt.h"

#define MIRROR(lv, core)	_Static_assert((int)(lv) == (int)(core), #core)
MIRROR(VIR_DOMAIN_PAUSED_UNKNOWN, SPR_UNKNOWN);
MIRROR(VIR_DOMAIN_PAUSED_USER, SPR_USER);
MIRROR(VIR_DOMAIN_PAUSED_MIGRATION, SPR_MIGRATION);
MIRROR(VIR_DOMAIN_PAUSED_SAVE, SPR_SAVE);
MIRROR(VIR_DOMAIN_PAUSED_DUMP, SPR_DUMP);
MIRROR(VIR_DOMAIN_PAUSED_IOERROR, SPR_IOERROR);
MIRROR(VIR_DOMAIN_PAUSED_WATCHDOG, SPR_WATCHDOG);
MIRROR(VIR_DOMAIN_PAUSED_FROM_SNAPSHOT, SPR_FROM_SNAPSHOT);
MIRROR(VIR_DOMAIN_PAUSED_SHUTTING_DOWN, SPR_SHUTTING_DOWN);
MIRROR(VIR_DOMAIN_PAUSED_SNAPSHOT, SPR_SNAPSHOT);
MIRROR(VIR_DOMAIN_PAUSED_CRASHED, SPR_CRASHED);
MIRROR(VIR_DOMAIN_PAUSED_STARTING_UP, SPR_STARTING_UP);
MIRROR(VIR_DOMAIN_PAUSED_POSTCOPY, SPR_POSTCOPY);
MIRROR(VIR_DOMAIN_PAUSED_POSTCOPY_FAILED, SPR_POSTCOPY_FAILED);
_Static_assert(VIRT_NAME_LEN == SWEEP_NAME_LEN, "name sizes");
_Static_assert(VIRT_UUID_LEN == SWEEP_UUID_LEN && VIRT_UUID_LEN ==
    VIR_UUID_STRING_BUFLEN, "uuid sizes");

int
virt_uri_expand(const char *tmpl, const char *ip, char *out, size_t len,
    char *err)
{
	const char	*p, *s;
	char		 host[80];
	size_t		 o = 0, i, n;

	if (tmpl == NULL || *tmpl == '\0') {
		set_err(err, "virt: empty URI template");
		return -1;
	}
	host[0] = '\0';
	if (strstr(tmpl, "{ip}") != NULL) {
		if (ip == NULL || *ip == '\0' || strlen(ip) > 64) {
			set_err(err, "virt: URI template '%s' needs an ip",
			    tmpl);
			return -1;
		}
		for (i = 0; ip[i] != '\0'; i++)
			if (strchr("0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:", ip[i]) == NULL) {
				set_err(err, "virt: bad character in host "
				    "address '%s'", ip);
				return -1;
			}
		/* an IPv6 literal must be bracketed inside a URI */
		snprintf(host, sizeof(host), strchr(ip, ':') ? "[%s]" : "%s",
		    ip);
	}
	for (p = tmpl; *p != '\0'; ) {
		if (strncmp(p, "{ip}", 4) == 0) {
			s = host;
			n = strlen(host);
			p += 4;
		} else {
			s = p;
			n = 1;
			p++;
		}
		if (o + n >= len) {
			set_err(err, "virt: URI from '%s' longer than %zu",
			    tmpl, len - 1);
			return -1;
		}
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

void
virt_obs_to_sweep(const struct dom_obs *o, struct sweep_dom *d)
{
	size_t	n = 0;
	int	i;

	snprintf(d->uuid, sizeof(d->uuid), "%s", o->uuid);
	snprintf(d->name, sizeof(d->name), "%s", o->name);
	d->reason = o->reason;
	switch (o->job) {
	case VJ_NONE:		d->job = SJ_NONE; break;
	case VJ_ACTIVE:		d->job = SJ_ACTIVE; break;
	case VJ_UNSUPPORTED:	d->job = SJ_UNSUPPORTED; break;
	case VJ_ERROR:		d->job = SJ_UNKNOWN; break;
	}
	d->job_op = o->job_op;
	d->job_progress = o->progress;		/* every counter (issue 12) */
	d->job_processed = bp_main(&o->progress) != BPF_NONE ?
	    o->progress.v[bp_main(&o->progress)] : 0;
	d->job_pull = o->backup_mode == VBM_PULL;
	d->job_elapsed_ms = o->job_elapsed_ms;
	d->marker = o->marker == VMK_ABSENT ? SM_ABSENT :
	    o->marker == VMK_PRESENT ? SM_PRESENT : SM_UNKNOWN;
	d->disk_errors[0] = '\0';
	for (i = 0; i < o->ndisk_errors && n + 1 < sizeof(d->disk_errors);
	    i++)
		n += (size_t)snprintf(d->disk_errors + n,
		    sizeof(d->disk_errors) - n, "%s%s: %s", i ? ", " : "",
		    o->disk_errors[i].disk, o->disk_errors[i].name);
}

/* How a resume outcome counts in the core (enum sweep_result).  A domain
 * found not paused counts as resumed: the next look confirms it. */
int
virt_resume_result(enum virt_rc rc)
{
	switch (rc) {
	case VIRT_RESUMED:
	case VIRT_NOT_PAUSED:
		return SWR_RESUMED;
	case VIRT_REPAUSED:
		return SWR_REPAUSED;
	case VIRT_VANISHED:
		return SWR_VANISHED;
	default:
		return SWR_RESUME_FAILED;
	}
}

int
virt_abort_result(enum virt_rc rc)
{
	switch (rc) {
	case VIRT_OK:
	case VIRT_NO_JOB:
		return SWR_ABORTED;
	case VIRT_VANISHED:
		return SWR_VANISHED;
	default:
		return SWR_ABORT_FAILED;
	}
}
