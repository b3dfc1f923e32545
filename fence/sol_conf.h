/*
 * sol_conf.h -- configuration of console capture over Serial-over-LAN:
 * the bmc.console_capture, bmc.console_bytes, bmc.sol_workarounds and
 * bmc.sol_steal keys (group level and per host in bmc.hosts), and
 * libipmiconsole's workaround names.
 *
 * config.c hands every bmc key it does not know to sol_conf_key(); the
 * values land in struct sol_conf (group) or struct sol_host_conf (one
 * bmc.hosts entry), and sol_conf_resolve() merges the two for one host.
 * libipmiconsole's workaround names differ from libfreeipmi's (ipmi_sim
 * needs "opensesspriv,solchannelsupport,solpayloadsize" for SOL), hence a
 * key of their own.  No I/O here.
 */
#ifndef HAWATCH_SOL_CONF_H
#define HAWATCH_SOL_CONF_H

#include <stddef.h>

#include <libconfig.h>

/*
 * 64 KiB of console holds a kernel panic with its stack and a few hundred
 * lines before it; the bound keeps one capture row small (MEDIUMBLOB).
 */
#define SOL_CONSOLE_BYTES_DEFAULT	(64u * 1024)
#define SOL_CONSOLE_BYTES_MIN		1024u
#define SOL_CONSOLE_BYTES_MAX		(4u * 1024 * 1024)
#define SOL_WA_LEN			160

struct sol_conf {
	int		capture;		/* 1 (default): capture at fence */
	unsigned	console_bytes;		/* kept per capture */
	int		steal;			/* 0 (default): never take a
						 * session someone holds */
	char		workarounds[SOL_WA_LEN];/* libipmiconsole names */
};

/* one bmc.hosts entry: -1 / has_workarounds 0 = use the group's value */
struct sol_host_conf {
	int		capture;
	int		steal;
	int		has_workarounds;
	char		workarounds[SOL_WA_LEN];
};

/* What a capture of one host uses. */
struct sol_settings {
	int		capture;
	unsigned	console_bytes;
	int		steal;
	unsigned	workaround_flags;	/* IPMICONSOLE_WORKAROUND_* */
};

void	sol_conf_defaults(struct sol_conf *);
void	sol_host_conf_defaults(struct sol_host_conf *);

/*
 * A bmc-group setting (host == NULL) or a bmc.hosts entry's setting
 * (host != NULL) that config.c's tables do not know: 1 taken, 0 not a SOL
 * key, -1 bad value (err says which key and why; the caller adds
 * file:line).
 */
int	sol_conf_key(const config_setting_t *, struct sol_conf *group,
	    struct sol_host_conf *host, char *err);

/* Merge group and host (NULL: none) values: 0, or -1 with err. */
int	sol_conf_resolve(const struct sol_conf *, const struct sol_host_conf *,
	    struct sol_settings *, char *err);

/* "opensesspriv,solpayloadsize" -> flags; "" or "none" -> 0 */
int	sol_workarounds_parse(const char *csv, unsigned *out, char *err);
void	sol_workarounds_format(unsigned flags, char *buf, size_t len);

#endif
