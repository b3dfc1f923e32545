/*
 * console_log.h -- console captures in hawatch's schema (table console_log,
 * schema level 4): the host's last console output, read over SOL when it
 * was fenced (fence/sol_capture.c), kept as evidence.
 *
 * A row is linked to its fence by fence_audit_id, the audit id of the
 * host's latest host.fence_requested row when the capture is stored.  The
 * bytes are stored as captured (NULs stripped by the capture), hex-encoded
 * in the statement so any byte survives; at most bmc.console_bytes per row
 * and the newest CONSOLE_LOG_KEEP rows per host.
 */
#ifndef HAWATCH_CONSOLE_LOG_H
#define HAWATCH_CONSOLE_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sbuf.h"

/* 16 captures per host: months of fences on a flapping host; ~1 MiB */
#define CONSOLE_LOG_KEEP	16

struct console_capture_in {
	uint64_t		 host_id;
	const char		*actor;
	const char		*source;	/* "history+live", "none", ... */
	const unsigned char	*data;
	size_t			 len;
	int			 complete;
	const char		*reason;	/* "" or one line */
	uint64_t		 elapsed_ms;
};

struct console_row {
	uint64_t	 id;
	uint64_t	 host_id;
	uint64_t	 fence_audit_id;	/* 0: none */
	char		 captured_at[32];	/* UTC */
	char		 source[16];
	int		 complete;
	char		 reason[256];
	uint64_t	 elapsed_ms;
	unsigned char	*data;			/* malloc'd */
	size_t		 len;
};

/*
 * Insert one capture and trim the host's old ones; run inside the caller's
 * transaction.  0 and *id set, or -1 with err.
 */
int	console_log_insert(struct db *, const struct console_capture_in *,
	    uint64_t *id, char *err);

/*
 * The host's capture for fence_audit_id (0: the newest).  1 found, 0 none
 * (also when hawatch's schema is absent or older), -1 error.
 */
int	console_log_read(struct db *, uint64_t host_id, uint64_t fence_audit_id,
	    struct console_row *, char *err);
void	console_row_free(struct console_row *);

/*
 * Printable form of console bytes: \r \t \e and other control bytes as C
 * escapes (\n and \r\n kept as a line break), DEL and bytes >= 0x80 as \xNN, so a
 * capture cannot drive the operator's terminal.
 */
void	console_escape(const unsigned char *, size_t, struct sbuf *);

#endif
