/*
 * ipmi_conf.c -- an IPMI target's configuration (see ipmi.h): defaults,
 * host:port parsing and validation, FreeIPMI workaround and privilege
 * names, password files, and when libfreeipmi really gives up a session.
 * No I/O but reading a password file; the sessions live in ipmi.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <freeipmi/freeipmi.h>

#include "ipmi.h"
#include "flag_names.h"
#include "util.h"

static const struct flag_name ipmi_wa[] = {
	{ "authcap",	IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES },
	{ "intel20",	IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION },
	{ "supermicro20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUPERMICRO_2_0_SESSION },
	{ "sun20",	IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION },
	{ "opensesspriv", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE },
	{ "integritycheckvalue", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE },
	{ "nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK },
};

/* FreeIPMI workaround names that only exist for IPMI 1.5 sessions. */
static const char *ipmi_wa_15[] = {
	"idzero", "unexpectedauth", "forcepermsg", "endianseq",
	"noauthcodecheck",
};

void
ipmi_target_init(struct ipmi_target *t)
{
	memset(t, 0, sizeof(*t));
	t->port = IPMI_PORT_DEFAULT;
	t->cipher_suite = IPMI_CIPHER_DEFAULT;
	t->privilege = IPMI_PRIVILEGE_LEVEL_OPERATOR;
	t->workaround_flags = 0;
	t->session_timeout_ms = IPMI_SESSION_TIMEOUT_MS_DEFAULT;
	t->retrans_timeout_ms = IPMI_RETRANS_TIMEOUT_MS_DEFAULT;
}

void
ipmi_target_clear(struct ipmi_target *t)
{
	explicit_bzero(t, sizeof(*t));
}

static int
ipmi_host_char_ok(char c, int v6)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F') || c == '.')
		return 1;
	if (v6)
		return c == ':';
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c == '-' || c == '_';
}

int
ipmi_target_set_addr(struct ipmi_target *t, const char *s, char *err)
{
	const char	*host, *hend, *port = NULL, *p;
	uint64_t	 v = 0;
	int		 v6 = 0;
	size_t		 n;

	if (s == NULL || *s == '\0') {
		set_err(err, "bmc address: empty");
		return -1;
	}
	host = s;
	if (*s == '[') {
		v6 = 1;
		host = s + 1;
		if ((hend = strchr(host, ']')) == NULL) {
			set_err(err, "bmc address '%s': missing ']'", s);
			return -1;
		}
		if (hend[1] == ':')
			port = hend + 2;
		else if (hend[1] != '\0') {
			set_err(err, "bmc address '%s': junk after ']'", s);
			return -1;
		}
	} else {
		hend = strchr(s, ':');
		if (hend != NULL && strchr(hend + 1, ':') != NULL) {
			set_err(err, "bmc address '%s': IPv6 addresses need "
			    "brackets: [addr]:port", s);
			return -1;
		}
		if (hend != NULL)
			port = hend + 1;
		else
			hend = s + strlen(s);
	}
	n = (size_t)(hend - host);
	if (n == 0 || n >= IPMI_HOST_LEN) {
		set_err(err, "bmc address '%.300s': host must be 1..%d bytes",
		    s, IPMI_HOST_LEN - 1);
		return -1;
	}
	for (p = host; p < hend; p++) {
		if (!ipmi_host_char_ok(*p, v6)) {
			set_err(err, "bmc address '%s': bad character '%c' in "
			    "host", s, *p);
			return -1;
		}
	}
	if (port != NULL && (parse_u64(port, &v) < 0 || v == 0 ||
	    v > 65535)) {
		set_err(err, "bmc address '%s': port must be 1..65535", s);
		return -1;
	}
	memcpy(t->host, host, n);
	t->host[n] = '\0';
	t->port = port != NULL ? (uint16_t)v : IPMI_PORT_DEFAULT;
	return 0;
}

const char *
ipmi_target_addr(const struct ipmi_target *t, char *buf, size_t len)
{
	if (strchr(t->host, ':') != NULL)
		snprintf(buf, len, "[%s]:%u", t->host, (unsigned)t->port);
	else
		snprintf(buf, len, "%s:%u", t->host, (unsigned)t->port);
	return buf;
}

int
ipmi_target_check(const struct ipmi_target *t, char *err)
{
	char	addr[IPMI_ADDR_LEN];

	if (t->host[0] == '\0' || memchr(t->host, '\0', IPMI_HOST_LEN) ==
	    NULL) {
		set_err(err, "bmc: host is empty or unterminated");
		return -1;
	}
	ipmi_target_addr(t, addr, sizeof(addr));
	if (t->port == 0) {
		set_err(err, "bmc %s: port 0", addr);
		return -1;
	}
	if (strnlen(t->user, IPMI_USER_LEN) > IPMI_MAX_USER_NAME_LENGTH) {
		set_err(err, "bmc %s: username longer than %d bytes", addr,
		    IPMI_MAX_USER_NAME_LENGTH);
		return -1;
	}
	if (strnlen(t->password, IPMI_PASS_LEN) >
	    IPMI_2_0_MAX_PASSWORD_LENGTH) {
		set_err(err, "bmc %s: password longer than %d bytes", addr,
		    IPMI_2_0_MAX_PASSWORD_LENGTH);
		return -1;
	}
	if (t->cipher_suite < 0 || t->cipher_suite > 255 ||
	    !IPMI_CIPHER_SUITE_ID_SUPPORTED(t->cipher_suite)) {
		set_err(err, "bmc %s: cipher suite %d not supported (0-3, "
		    "6-8, 11-12, 15-17)", addr, t->cipher_suite);
		return -1;
	}
	if (t->privilege != IPMI_PRIVILEGE_LEVEL_OPERATOR &&
	    t->privilege != IPMI_PRIVILEGE_LEVEL_ADMIN) {
		set_err(err, "bmc %s: privilege %d: chassis control needs "
		    "operator or admin", addr, t->privilege);
		return -1;
	}
	if (t->session_timeout_ms == 0 || t->retrans_timeout_ms == 0 ||
	    t->retrans_timeout_ms >= t->session_timeout_ms) {
		set_err(err, "bmc %s: need 0 < retransmit timeout (%u ms) < "
		    "session timeout (%u ms)", addr, t->retrans_timeout_ms,
		    t->session_timeout_ms);
		return -1;
	}
	return 0;
}

int
ipmi_workarounds_parse(const char *csv, unsigned *out, char *err)
{
	const char	*p = csv, *e;
	char		 tok[32];
	unsigned	 flags = 0;
	size_t		 n, i;
	int		 found, none = 0, ntok = 0;

	for (; p != NULL && *p != '\0'; p = *e == ',' ? e + 1 : e) {
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strcspn(p, ",");
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		ntok++;
		if (n == 0) {
			set_err(err, "workarounds '%s': empty name", csv);
			return -1;
		}
		if (n >= sizeof(tok)) {
			set_err(err, "workarounds: unknown name '%.*s'",
			    (int)n, p);
			return -1;
		}
		memcpy(tok, p, n);
		tok[n] = '\0';
		if (strcasecmp(tok, "none") == 0) {
			none = 1;
			continue;
		}
		found = 0;
		for (i = 0; i < NELEM(ipmi_wa); i++) {
			if (strcasecmp(tok, ipmi_wa[i].name) == 0) {
				flags |= ipmi_wa[i].flag;
				found = 1;
			}
		}
		for (i = 0; !found && i < NELEM(ipmi_wa_15); i++) {
			if (strcasecmp(tok, ipmi_wa_15[i]) == 0) {
				set_err(err, "workarounds: '%s' applies to "
				    "IPMI 1.5 only (hawatch uses IPMI 2.0)",
				    tok);
				return -1;
			}
		}
		if (!found) {
			set_err(err, "workarounds: unknown name '%s' (known: "
			    "authcap, intel20, supermicro20, sun20, "
			    "opensesspriv, integritycheckvalue, "
			    "nochecksumcheck, none)", tok);
			return -1;
		}
		if (*e == ',' && e[1] == '\0') {
			set_err(err, "workarounds '%s': empty name", csv);
			return -1;
		}
	}
	if (none && ntok > 1) {
		set_err(err, "workarounds '%s': 'none' cannot be combined",
		    csv);
		return -1;
	}
	*out = flags;
	return 0;
}

void
ipmi_workarounds_format(unsigned flags, char *buf, size_t len)
{
	flag_names_format(ipmi_wa, NELEM(ipmi_wa), flags, buf, len);
}

int
ipmi_privilege_parse(const char *s, int *out, char *err)
{
	if (s != NULL && strcasecmp(s, "operator") == 0)
		*out = IPMI_PRIVILEGE_LEVEL_OPERATOR;
	else if (s != NULL && strcasecmp(s, "admin") == 0)
		*out = IPMI_PRIVILEGE_LEVEL_ADMIN;
	else {
		set_err(err, "privilege '%s': use operator or admin (chassis "
		    "control needs at least operator)", s ? s : "");
		return -1;
	}
	return 0;
}

const char *
ipmi_privilege_name(int p)
{
	switch (p) {
	case IPMI_PRIVILEGE_LEVEL_CALLBACK:	return "callback";
	case IPMI_PRIVILEGE_LEVEL_USER:		return "user";
	case IPMI_PRIVILEGE_LEVEL_OPERATOR:	return "operator";
	case IPMI_PRIVILEGE_LEVEL_ADMIN:	return "admin";
	case IPMI_PRIVILEGE_LEVEL_OEM:		return "oem";
	}
	return "invalid";
}

int
ipmi_password_load(const char *path, char *buf, size_t len, char *err)
{
	char	tmp[256];
	ssize_t	r;
	size_t	n = 0;
	int	fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		set_err(err, "password file %s: %s", path, strerror(errno));
		return -1;
	}
	while (n < sizeof(tmp) - 1) {
		r = read(fd, tmp + n, sizeof(tmp) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, "password file %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	tmp[n] = '\0';
	/* a NUL byte would silently cut the password short */
	if (memchr(tmp, '\0', n) != NULL) {
		set_err(err, "password file %s: contains a NUL byte", path);
		goto out;
	}
	tmp[strcspn(tmp, "\n")] = '\0';
	n = strlen(tmp);
	if (n > 0 && tmp[n - 1] == '\r')
		tmp[--n] = '\0';
	if (n == 0) {
		set_err(err, "password file %s: empty first line", path);
		goto out;
	}
	if (n > IPMI_2_0_MAX_PASSWORD_LENGTH || n >= len) {
		set_err(err, "password file %s: password longer than %d bytes",
		    path, IPMI_2_0_MAX_PASSWORD_LENGTH);
		goto out;
	}
	memcpy(buf, tmp, n + 1);
	rc = 0;
out:
	explicit_bzero(tmp, sizeof(tmp));
	close(fd);
	return rc;
}

/*
 * When libfreeipmi really gives up: retransmits go out after r, r, 2r, 2r,
 * 3r, 3r, ... and the failure comes at the first cumulative boundary at or
 * after the session timeout (measured, reference/ipmi.md 4.3; exactly on a
 * boundary it sometimes takes one interval more).
 */
unsigned
ipmi_session_fail_ms(const struct ipmi_target *t)
{
	unsigned long	sum = 0, r = t->retrans_timeout_ms;
	unsigned	k;

	if (r == 0 || t->session_timeout_ms == 0)
		return t->session_timeout_ms;
	for (k = 0; sum < t->session_timeout_ms; k++)
		sum += r * (k / 2 + 1);
	return (unsigned)sum;
}

/* --- System GUID vs SMBIOS UUID ----------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits, dashes allowed anywhere; 0 or -1 */
static int
uuid_bytes(const char *s, uint8_t out[16])
{
	size_t	n = 0;
	int	hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '-')
			continue;
		if (n == 16 || (hi = hexval(s[0])) < 0 || s[1] == '\0' ||
		    (lo = hexval(s[1])) < 0)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		s++;
	}
	return n == 16 ? 0 : -1;
}

void
ipmi_guid_format(const uint8_t g[16], char out[37])
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", g[0], g[1], g[2], g[3], g[4], g[5],
	    g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

int
ipmi_guid_matches(const uint8_t g[16], const char *uuid)
{
	/* SMBIOS 2.6+: time_low, time_mid, time_hi little-endian */
	static const uint8_t	smbios[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9,
				    10, 11, 12, 13, 14, 15 };
	uint8_t			u[16];
	int			same = 1, sm = 1, rev = 1;
	size_t			i;

	if (uuid == NULL || uuid_bytes(uuid, u) == -1)
		return -1;
	for (i = 0; i < 16; i++) {
		same &= g[i] == u[i];
		sm &= g[smbios[i]] == u[i];
		rev &= g[15 - i] == u[i];
	}
	return same || sm || rev;
}
