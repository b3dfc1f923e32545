/*
 * sol_conf.h -- configuration of console capture over Serial-over-LAN:
 * the bmc.console_capture, bmc.console_bytes, bmc.sol_workarounds and
 * bmc.sol_steal keys (group level and per host in bmc.hosts), and
 * libipmiconsole's workaround names.
 *
 * The keys are entries of fence/bmc_keys.c's tables (config_table.h); the
 * values land in struct sol_conf (group) or struct sol_host_conf (one
 * bmc.hosts entry), and sol_conf_resolve() merges the two for one host.
 * libipmiconsole's workaround names differ from libfreeipmi's (ipmi_sim
 * needs "opensesspriv,solchannelsupport,solpayloadsize" for SOL), hence a
 * key of their own.  No I/O here.
 */
#ifndef HAWATCH_SOL_CONF_H
#define HAWATCH_SOL_CONF_H

#include <stddef.h>

/*
 * 64 KiB of console holds a kernel panic with its stack and a few hundred
 * lines before it; the bound keeps one capture row small (MEDIUMBLOB).
 */
#define SOL_CONSOLE_BYTES_DEFAULT	(64u * 1024)
#define SOL_CONSOLE_BYTES_MIN		1024u
#define SOL_CONSOLE_BYTES_MAX		(4u * 1024 * 1024)
#define SOL_WA_LEN			160

/* bmc.console_capture: the index in sol_capture_names[] */
enum sol_capture_mode {
	SOL_CAPTURE_OFF,	/* never */
	SOL_CAPTURE_ON,		/* at every fence, even where SOL failed */
	SOL_CAPTURE_AUTO,	/* default: on until the BMC's SOL refuses
				 * (no SOL, port not 623); then off for that
				 * host until hawatch restarts */
};
extern const char *const sol_capture_names[];	/* "off", "on", "auto" */

struct sol_conf {
	int		capture;		/* enum sol_capture_mode */
	unsigned	console_bytes;		/* kept per capture */
	int		steal;			/* 0 (default): never take a
						 * session someone holds */
	char		workarounds[SOL_WA_LEN];/* libipmiconsole names */
};

/* one bmc.hosts entry: -1 / "" = use the group's value */
struct sol_host_conf {
	int		capture;		/* -1 or enum sol_capture_mode */
	int		steal;			/* -1, 0, 1 */
	char		workarounds[SOL_WA_LEN];
};

/* What a capture of one host uses. */
struct sol_settings {
	int		capture;		/* enum sol_capture_mode */
	unsigned	console_bytes;
	int		steal;
	unsigned	workaround_flags;	/* IPMICONSOLE_WORKAROUND_* */
};

/* Merge group and host (NULL: none) values: 0, or -1 with err. */
int	sol_conf_resolve(const struct sol_conf *, const struct sol_host_conf *,
	    struct sol_settings *, char *err);

/* the config tables' rule for sol_workarounds (cfg_value_fn) */
int	sol_workarounds_ok(const char *csv, char *err);

/* "opensesspriv,solpayloadsize" -> flags; "" or "none" -> 0 */
int	sol_workarounds_parse(const char *csv, unsigned *out, char *err);
void	sol_workarounds_format(unsigned flags, char *buf, size_t len);

#endif
