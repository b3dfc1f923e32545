/*
 * observe.h -- the first half of the supervisor's round (tick.c): bring
 * the database session, leadership and inventory up to date, then turn
 * heartbeat files and BMC snapshots into one struct core_obs.
 */
#ifndef HAWATCH_OBSERVE_H
#define HAWATCH_OBSERVE_H

#include <stdint.h>

struct daemon;
struct core_obs;

/* Reconnect if down, take or verify leadership, reload the inventory
 * (on failure keep the last one: the database is "down"). */
void	observe_database(struct daemon *, uint64_t now_ms);

/* Read every heartbeat (one bounded call) and snapshot every BMC view;
 * fill o (arrays owned by the daemon) and queue new fence results in
 * d->fence_news for act_run() to record.  o->now_ms is set to now_ms;
 * tick_run() overwrites it with the time after the reads. */
void	observe_build(struct daemon *, struct core_obs *o, uint64_t now_ms);

#endif
