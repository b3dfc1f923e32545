/*
 * ipmi.h -- one BMC over IPMI 2.0 (lanplus): power status and fencing.
 *
 * The fence adapter.  bmc_pool.c calls these from its worker threads; the
 * tick loop never calls them directly (they block for up to the session
 * timeout).  ipmi_power_status() and ipmi_fence() open their own
 * libfreeipmi session and always close it; ipmi_conn_power() and
 * ipmi_conn_fence() keep one session per BMC open across calls (struct
 * ipmi_conn, below).  Either way a session is closed on every path that
 * drops it: a leaked session holds one of the BMC's few slots.
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

/*
 * Persistent sessions (struct ipmi_conn).  One RMCP+ handshake (Get
 * Channel Authentication Capabilities, Open Session, RAKP 1 and 3, Set
 * Session Privilege: five round trips, plus Close Session) costs the BMC
 * a session slot and, on many BMCs, a login entry in its event log.
 * Polling every second over a fresh session did that every second per
 * BMC; a kept session does it once.
 *
 * When a kept session is reused, and why it is re-opened instead:
 *
 *  - libfreeipmi times a command out at its session timeout counted from
 *    the LAST PACKET RECEIVED in that session, not from the command's
 *    start (_session_timed_out() in ipmi-lan-session-common.c, 1.6.10).
 *    After an idle gap g the next command has only session_timeout - g
 *    left, and none at all once g >= session_timeout.  So a session is
 *    reused only while g <= session_timeout - retransmission_timeout:
 *    the command keeps at least one retransmission's worth of time
 *    (first send plus one resend).  Defaults: 1990 - 500 = 1490 ms, above
 *    the 1000 ms poll interval, so a polled BMC keeps its session.  A
 *    poll interval above that window re-opens every poll (as before).
 *  - The BMC drops a session after its own inactivity timeout: the IPMI
 *    2.0 specification's default is 60 s, ipmi_sim dropped ours after
 *    about 30 s (reference/ipmi.md 8.6), and some BMCs let it be
 *    configured lower.  IPMI_SESSION_IDLE_MAX_MS re-opens well before
 *    any of these, whatever the session timeout.
 *  - A reused session whose command fails (the BMC rebooted, or dropped
 *    the session and now silently discards its packets) is closed and
 *    one fresh session is tried in the same call, so a dropped session
 *    costs one handshake, never a missed reading.  A fresh session that
 *    fails is reported as it is.
 *
 * Deadlines: a call on a kept session still never waits longer than its
 * session timeout per exchange: the reused command has at most
 * session_timeout - g, the fresh retry the usual open plus command.  A
 * dead BMC fails at about 2 session timeouts - g (the reused command
 * times out, then the fresh open); a BMC that accepts sessions but never
 * answers commands at about 3.
 */
#define IPMI_SESSION_IDLE_MAX_MS	20000	/* a third of the IPMI 2.0
						   default inactivity timeout
						   (60 s), two thirds of
						   ipmi_sim's (~30 s) */

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

/*
 * One BMC's kept session and its counters.  Zero-initialise; one thread
 * at a time; ipmi_conn_close() before freeing.  The counters only grow
 * (bmc_pool sums them into struct bmc_pool_stats).
 */
struct ipmi_conn {
	void		*ctx;		/* ipmi_ctx_t; NULL: no session open */
	uint64_t	 last_answer_ms;/* clock_mono_ms() of the last answer */
	uint64_t	 opens;		/* handshakes started
					 * (ipmi_ctx_open_outofband_2_0) */
	uint64_t	 open_failures;
	uint64_t	 reads;		/* Get Chassis Status sent */
	uint64_t	 reads_reused;	/* ... over an already open session */
	uint64_t	 reopen_idle;	/* closed for idling past the window */
	uint64_t	 reopen_error;	/* a reused session failed: fresh try */
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

/*
 * As ipmi_power_status, over c's session: reused when within the window
 * above, else (re)opened; left open after a good reading, closed after a
 * failure.  A failed reading on a reused session is retried once on a
 * fresh session.
 */
int	ipmi_conn_power(struct ipmi_conn *c, const struct ipmi_target *,
	    enum bmc_status *out, char *err);

/* As ipmi_fence_cancelable, over c's session (same reuse rules); the
 * session stays open afterwards if its last reading succeeded. */
int	ipmi_conn_fence(struct ipmi_conn *c, const struct ipmi_target *,
	    unsigned fence_timeout_ms, const atomic_int *cancel,
	    struct fence_report *out, char *err);

/* Close c's session (sends Close Session, waits at most about one
 * retransmission timeout); counters kept.  No-op when none is open. */
void	ipmi_conn_close(struct ipmi_conn *c);

#endif
