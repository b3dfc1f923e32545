/*
 * sol_conf.c -- console capture keys and libipmiconsole workaround names
 * (sol_conf.h).  Parsing only; the capture itself is sol_capture.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <ipmiconsole.h>

#include "sol_conf.h"
#include "flag_names.h"
#include "util.h"

static const struct flag_name sol_wa[] = {
	{ "authcap",		IPMICONSOLE_WORKAROUND_AUTHENTICATION_CAPABILITIES },
	{ "intel20",		IPMICONSOLE_WORKAROUND_INTEL_2_0_SESSION },
	{ "supermicro20",	IPMICONSOLE_WORKAROUND_SUPERMICRO_2_0_SESSION },
	{ "sun20",		IPMICONSOLE_WORKAROUND_SUN_2_0_SESSION },
	{ "opensesspriv",	IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE },
	{ "integritycheckvalue", IPMICONSOLE_WORKAROUND_NON_EMPTY_INTEGRITY_CHECK_VALUE },
	{ "nochecksumcheck",	IPMICONSOLE_WORKAROUND_NO_CHECKSUM_CHECK },
	{ "serialalertsdeferred", IPMICONSOLE_WORKAROUND_SERIAL_ALERTS_DEFERRED },
	{ "solpacketseq",	IPMICONSOLE_WORKAROUND_INCREMENT_SOL_PACKET_SEQUENCE },
	{ "solpayloadsize",	IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE },
	{ "solport",		IPMICONSOLE_WORKAROUND_IGNORE_SOL_PORT },
	{ "solstatus",		IPMICONSOLE_WORKAROUND_SKIP_SOL_ACTIVATION_STATUS },
	{ "solchannelsupport",	IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT },
};

const char *const sol_capture_names[] = { "off", "on", "auto", NULL };

int
sol_workarounds_ok(const char *csv, char *err)
{
	unsigned	flags;

	return sol_workarounds_parse(csv, &flags, err);
}

int
sol_workarounds_parse(const char *csv, unsigned *out, char *err)
{
	const char	*p = csv, *e;
	unsigned	 flags = 0;
	size_t		 n, i;
	int		 none = 0, ntok = 0, found;

	for (; p != NULL && *p != '\0'; p = *e == ',' ? e + 1 : e) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		ntok++;
		if (n == 0 || (*e == ',' && e[1] == '\0')) {
			set_err(err, "empty name in \"%s\"", csv);
			return -1;
		}
		if (n == 4 && strncasecmp(p, "none", 4) == 0) {
			none = 1;
			continue;
		}
		for (i = 0, found = 0; i < NELEM(sol_wa); i++)
			if (strlen(sol_wa[i].name) == n &&
			    strncasecmp(p, sol_wa[i].name, n) == 0) {
				flags |= sol_wa[i].flag;
				found = 1;
			}
		if (!found) {
			set_err(err, "unknown name '%.*s' "
			    "(libipmiconsole names: authcap, intel20, "
			    "supermicro20, sun20, opensesspriv, "
			    "integritycheckvalue, nochecksumcheck, "
			    "serialalertsdeferred, solpacketseq, "
			    "solpayloadsize, solport, solstatus, "
			    "solchannelsupport, none)", (int)(n > 40 ? 40 : n),
			    p);
			return -1;
		}
	}
	if (none && ntok > 1) {
		set_err(err, "'none' cannot be combined in \"%s\"",
		    csv);
		return -1;
	}
	*out = flags;
	return 0;
}

void
sol_workarounds_format(unsigned flags, char *buf, size_t len)
{
	flag_names_format(sol_wa, NELEM(sol_wa), flags, buf, len);
}

int
sol_conf_resolve(const struct sol_conf *g, const struct sol_host_conf *h,
    struct sol_settings *out, char *err)
{
	const char	*wa = g->workarounds;

	memset(out, 0, sizeof(*out));
	out->capture = g->capture;
	out->steal = g->steal;
	out->console_bytes = g->console_bytes ? g->console_bytes :
	    SOL_CONSOLE_BYTES_DEFAULT;
	if (h != NULL) {
		if (h->capture >= 0)
			out->capture = h->capture;
		if (h->steal >= 0)
			out->steal = h->steal;
		if (h->workarounds[0] != '\0')
			wa = h->workarounds;
	}
	return sol_workarounds_parse(wa, &out->workaround_flags, err);
}
