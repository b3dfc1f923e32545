/*
 * ipmi.h -- one BMC over IPMI 2.0 (lanplus): power status and fencing.
 *
 * The fence adapter.  bmc_pool.c calls these from its worker threads; the
 * tick loop never calls them directly (they block for up to the session
 * timeout).  Each call opens its own libfreeipmi session, does its work and
 * always closes it: a leaked session holds one of the BMC's few slots.
 *
 * Results are observations, never decisions: a timeout is BMC_TIMEOUT
 * ("unknown"), a failed fence is FENCE_FAILED_UNKNOWN (the power-off may still
 * land later, reference/ipmi.md 8.5).  Retries belong to the caller, which
 * must re-query the power state before retrying.
 *
 * Errors: 0 / -1 with a caller-owned err of ERR_LEN naming host:port and
 * the libfreeipmi errnum and message.  The password never appears in any
 * err string or log line.
 */
#ifndef HAWATCH_IPMI_H
#define HAWATCH_IPMI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core_types.h"	/* enum fence_result, enum pwr_obs */

#define IPMI_HOST_LEN		256
#define IPMI_USER_LEN		64
#define IPMI_PASS_LEN		64
#define IPMI_ADDR_LEN		(IPMI_HOST_LEN + 10)	/* "[host]:65535" */

#define IPMI_PORT_DEFAULT	623	/* RMCP, the IPMI-over-LAN port */
#define IPMI_CIPHER_DEFAULT	3	/* HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128 */

/*
 * Session timeout 1990 ms with 500 ms retransmits: libfreeipmi retransmits
 * after r, r, 2r, 2r, 3r, ... and fails at the first cumulative boundary at
 * or after the session timeout; just below the 2000 ms boundary it fails at
 * a stable 2.0 s (at exactly 2000 it sometimes takes 3.0 s).  Two seconds
 * tolerates a lost packet or three on a LAN and keeps a dead BMC "unknown"
 * within one or two tick periods.  See ipmi_session_fail_ms().
 */
#define IPMI_SESSION_TIMEOUT_MS_DEFAULT	1990
#define IPMI_RETRANS_TIMEOUT_MS_DEFAULT	500

/*
 * Fence read-back period: after the power-down request the power state is
 * re-read every 250 ms until two consecutive "off" readings.  Real power
 * supplies take a moment to report off; four reads a second is light load
 * for a BMC.
 */
#define IPMI_FENCE_READBACK_MS	250

struct ipmi_target {
	char		host[IPMI_HOST_LEN];	/* name or address, no port */
	uint16_t	port;			/* default 623 */
	char		user[IPMI_USER_LEN];	/* at most 16 bytes used */
	char		password[IPMI_PASS_LEN];/* at most 20; never logged */
	int		cipher_suite;		/* default 3 */
	int		privilege;		/* IPMI_PRIVILEGE_LEVEL_OPERATOR
						 * (default) or _ADMIN */
	unsigned	workaround_flags;	/* IPMI_WORKAROUND_FLAGS_
						 * OUTOFBAND_2_0_* */
	unsigned	session_timeout_ms;	/* default 1990 */
	unsigned	retrans_timeout_ms;	/* default 500 */
};

/* What one power reading (or its failure) says. */
enum bmc_status {
	BMC_ON,
	BMC_OFF,
	BMC_TIMEOUT,		/* connection/session timeout: power unknown */
	BMC_AUTH_PASSWORD,	/* password invalid */
	BMC_AUTH_USER,		/* username invalid */
	BMC_PRIVILEGE,		/* privilege cannot be obtained/insufficient */
	BMC_BUSY,		/* no session slots / internal IPMI error */
	BMC_BAD_ANSWER,		/* bad completion code, unsupported command,
				 * or no power field in the answer */
	BMC_ERROR,		/* anything else (config, hostname, memory) */
};

struct fence_report {
	enum fence_result result;	/* FENCE_OFF_CONFIRMED,
					 * _FAILED_UNKNOWN or _AUTH_ERROR */
	enum bmc_status	 first;		/* first power reading or failure */
	enum bmc_status	 last;		/* last reading, or the failure that
					 * ended the attempt */
	int		 control_sent;	/* a POWER_DOWN request left here: it
					 * may take effect even if its reply
					 * failed */
	unsigned	 reads;		/* power readings attempted */
	uint64_t	 elapsed_ms;
};

/* names.c: the fence layer's names, and what the core sees of a reading */
const char	*bmc_status_name(enum bmc_status);	/* "on", "timeout" */
const char	*bmc_status_message(enum bmc_status);	/* one clear line */
enum pwr_obs	 bmc_status_power(enum bmc_status);	/* PWR_ON, ... */
enum bmc_status	 ipmi_errnum_status(int errnum);	/* libfreeipmi errnum */

/* Call once before starting threads that use IPMI (crypto init). */
int	 ipmi_global_init(char *err);

/* Configuration: defaults, parsing, validation. */
void	 ipmi_target_init(struct ipmi_target *);	/* all defaults */
void	 ipmi_target_clear(struct ipmi_target *);	/* zero incl. password */
int	 ipmi_target_set_addr(struct ipmi_target *, const char *hostport,
	    char *err);		/* "host", "host:port", "[v6]:port" */
int	 ipmi_target_check(const struct ipmi_target *, char *err);
const char *ipmi_target_addr(const struct ipmi_target *, char *buf,
	    size_t len);	/* "host:port" for logs */
int	 ipmi_workarounds_parse(const char *csv, unsigned *out, char *err);
void	 ipmi_workarounds_format(unsigned flags, char *buf, size_t len);
int	 ipmi_privilege_parse(const char *name, int *out, char *err);
const char *ipmi_privilege_name(int privilege);
int	 ipmi_password_load(const char *path, char *buf, size_t len,
	    char *err);		/* first line of a file, no newline */
unsigned ipmi_session_fail_ms(const struct ipmi_target *);

/*
 * One session: Get Chassis Status.  Returns 0 with *out BMC_ON/BMC_OFF, or
 * -1 with *out the failure status and err filled.  Takes at most about two
 * session timeouts (open, then the command) plus a close.
 */
int	ipmi_power_status(const struct ipmi_target *, enum bmc_status *out,
	    char *err);

/*
 * One session: Get System GUID (IPMI 2.0 22.14).  0 with the 16 bytes as
 * sent, or -1 with err.  Bounded like ipmi_power_status().
 */
int	ipmi_system_guid(const struct ipmi_target *, uint8_t guid[16],
	    char *err);

/*
 * Does a BMC GUID name the machine whose SMBIOS UUID is uuid (36 or 32
 * hex characters, any case)?  BMCs encode the 16 bytes in one of three
 * orders (RFC 4122 as sent, SMBIOS with the first three fields
 * little-endian, or all 16 bytes reversed), so any of them matches.
 * 1 match, 0 mismatch, -1 uuid unparsable.  Pure (ipmi_conf.c).
 */
int	ipmi_guid_matches(const uint8_t guid[16], const char *uuid);
/* The GUID as sent, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (37 bytes). */
void	ipmi_guid_format(const uint8_t guid[16], char out[37]);

/*
 * Fence: read power; if on, send chassis control POWER_DOWN once (never
 * cycle, reset or soft-off); read back every IPMI_FENCE_READBACK_MS until
 * two consecutive "off" readings or fence_timeout_ms.  Already off: no
 * command, confirmed by a second reading.  A failed read-back reopens the
 * session for the next reading; the power-down is never re-sent.  Returns 0
 * when out->result is FENCE_OFF_CONFIRMED, else -1 with err filled.  Takes at
 * most fence_timeout_ms plus about two session timeouts.
 */
int	ipmi_fence(const struct ipmi_target *, unsigned fence_timeout_ms,
	    struct fence_report *out, char *err);

/* Same, but gives up (FENCE_FAILED_UNKNOWN) soon after *cancel turns non-zero. */
int	ipmi_fence_cancelable(const struct ipmi_target *,
	    unsigned fence_timeout_ms, const atomic_int *cancel,
	    struct fence_report *out, char *err);

#endif
