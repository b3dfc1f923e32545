/*
 * sweep_json.h -- private to `hawatch sweep` (cmd_sweep.c): the output
 * state both renderings share, the CLI's reading of a host and of a grace
 * record, and the --json document (sweep_json.c; its fields are listed in
 * docs/sweeper.md).
 */
#ifndef HAWATCH_SWEEP_JSON_H
#define HAWATCH_SWEEP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "sbuf.h"
#include "sweep.h"

struct sweep_out {
	int			 json;
	int			 grace_met;
	const struct config	*cfg;
	const struct sweep_cs_host *cs;
	size_t			 ncs;
	struct sbuf		 s;
};

/* CloudStack's row of host id, or NULL. */
const struct sweep_cs_host *sweep_json_cs_host(const struct sweep_out *,
		    uint32_t id);
/* The CLI's explanation of a grace record (it cannot measure the grace),
 * in buf; NULL when d is not one. */
const char	*sweep_json_grace_hint(const struct sweep_out *,
		    const struct sweep_dom_report *d, char *buf, size_t len);
/* The --json document, without its closing result/exit_code members. */
void		 sweep_json(struct sweep_out *, const struct sweep_run_report *);

#endif
