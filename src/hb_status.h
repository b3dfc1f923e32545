/*
 * hb_status.h -- what one heartbeat read said.  Shared by the heartbeat
 * reader (which produces it) and the decision core (which reasons on it);
 * hb_status_name() lives with the core's other names (src/core/names.c).
 */
#ifndef HAWATCH_HB_STATUS_H
#define HAWATCH_HB_STATUS_H

enum hb_status {
	HB_OK,			/* file read and parsed */
	HB_UNKNOWN,		/* read error or deadline passed: never "stale" */
	HB_GARBAGE,		/* content did not parse as epoch seconds */
	HB_MISSING,		/* no hb-<ip> file */
};
#define HB_LAST	HB_MISSING

const char	*hb_status_name(enum hb_status);

#endif
