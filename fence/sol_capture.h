/*
 * sol_capture.h -- fence evidence: the host's last console output, read
 * over Serial-over-LAN (libipmiconsole), on a thread of its own.
 *
 * A capture starts when a host heads for a fence.  Where the BMC keeps a
 * console history (SOL payload instance 2, reference/ipmi.md 5) it reads
 * the last console_bytes of it; then it follows the live console
 * (instance 1) until stopped.  The caller stops it before the fence reads
 * power back, and collects what it has under a deadline of its own: the
 * capture never delays or blocks the fence, and whatever it does (no SOL,
 * SOL in use, BMC hung), the fence goes ahead.
 *
 * SOL allows one session per BMC: a session someone else holds is never
 * taken over unless sol_steal is set, and every session ends with a clean
 * close (a half-closed history instance blocks it for ~25 s on ipmi_sim;
 * the history phase has its own deadline and falls back to live output).
 *
 * Bytes are kept as captured except NUL bytes (SOL-established markers,
 * history buffer padding), which are stripped.  The password is never in
 * a reason string.
 */
#ifndef HAWATCH_SOL_CAPTURE_H
#define HAWATCH_SOL_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "ipmi.h"
#include "sol_conf.h"

/*
 * SOL protocol timeouts: a SOL session that gets no answer for 4.99 s is
 * dead (libipmiconsole's default is 60 s, far too long to hold a BMC's
 * only SOL slot); retransmit every 250 ms (reference/ipmi.md 5: "session
 * 5000 ms, retransmission 250 ms"); keepalive after 2 s of silence so a
 * quiet console still detects a dead session within the session timeout.
 */
#define SOL_SESSION_TIMEOUT_MS		4990
#define SOL_RETRANS_TIMEOUT_MS		250
#define SOL_KEEPALIVE_MS		2000

/*
 * History phase deadline: ipmi_sim dumps its buffer about 250 ms after
 * activation, paced at the serial speed (64 KiB at 115200 baud is ~6 s).
 * A history that has not ended by then is cut short (kept as read) and
 * live capture takes over; a half-closed instance 2 that answers "in use"
 * or not at all costs at most this long.
 */
#define SOL_HISTORY_MS			8000

/*
 * Upper bound of one capture: a host suspect for longer than this without
 * being fenced or coming back releases the BMC's SOL slot; what was read
 * is kept for a later collect.
 */
#define SOL_CAPTURE_MAX_MS		(10u * 60 * 1000)

/*
 * libipmiconsole 1.6 takes a bare host name, no port: a BMC on another
 * port than 623 cannot be reached over SOL.  The one-line reason given.
 */
#define SOL_PORT_REASON \
	"SOL reaches BMCs on port 623 only (libipmiconsole takes no port)"

struct sol_capture;

struct sol_result {
	unsigned char	*data;		/* malloc'd, NULs stripped, or NULL */
	size_t		 len;
	int		 history;	/* includes the BMC's history dump */
	int		 live;		/* live SOL was established */
	int		 complete;	/* the thread ended and released SOL
					 * before the collect deadline */
	int		 refused;	/* the BMC does not give us SOL at all
					 * (no SOL, SOL unavailable, port not
					 * 623): trying again will not help */
	char		 reason[256];	/* one line why SOL failed or was cut
					 * short; "" when all went well */
	uint64_t	 elapsed_ms;	/* start to collect */
};

/* Start on its own thread; NULL with err (one line) if it cannot. */
struct sol_capture *sol_capture_start(const struct ipmi_target *,
	    const struct sol_settings *, char *err);

/* Ask the thread to release SOL now; never blocks. */
void	sol_capture_stop(struct sol_capture *);

/* Wait up to ms for the SOL session to be released: 1 released, 0 not. */
int	sol_capture_wait_released(struct sol_capture *, unsigned ms);

/* 1 once the thread has finished (result ready), 0 if still running. */
int	sol_capture_finished(struct sol_capture *);

/*
 * Stop, wait for the thread until deadline_mono_ms (CLOCK_MONOTONIC ms)
 * at the latest, and fill out with what was captured.  Consumes the
 * handle: a thread still running at the deadline finishes on its own and
 * frees itself.  out->data is the caller's (sol_result_free).
 */
void	sol_capture_stop_and_collect(struct sol_capture *,
	    uint64_t deadline_mono_ms, struct sol_result *out);

/* Stop and discard (host came back); consumes the handle; never blocks. */
void	sol_capture_cancel(struct sol_capture *);

void	sol_result_free(struct sol_result *);

/* Drop NUL bytes in place; returns the new length. */
size_t	sol_strip_nul(unsigned char *, size_t);

/*
 * Find ipmi_sim's end-of-history marker in buf: offset of its start, or
 * -1.  Exposed for the unit tests.
 */
long	sol_history_marker(const unsigned char *buf, size_t len);

/* What `hawatch doctor` reports about one BMC's SOL. */
struct sol_probe_result {
	int		 sol;		/* a SOL session could be established */
	int		 history;	/* the BMC dumps a console history */
	int		 refused;	/* as in struct sol_result */
	size_t		 history_bytes;
	char		 reason[256];	/* why not, one line */
	uint64_t	 elapsed_ms;
};

/* Probe SOL (history first, then live), at most about timeout_ms. */
void	sol_probe(const struct ipmi_target *, const struct sol_settings *,
	    unsigned timeout_ms, struct sol_probe_result *out);

#endif
