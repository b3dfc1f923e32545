/*
 * sweep_track.c -- the sweeper core's memory of each paused domain (pure:
 * no I/O, no clock, no allocation): the caller-supplied tracking table,
 * finding, failing and forgetting a record, and sweep_report(), which
 * turns an executed action's outcome into the next step's memory.
 * sweep_core.c decides with it; the rules of attempts and backoff are
 * described in sweep_core.c's header.
 */
#include <stdio.h>
#include <string.h>

#include "sweep_core.h"
#include "util.h"

void
sweep_state_init(struct sweep_state *st, struct sweep_track *buf, size_t cap)
{
	st->v = buf;
	st->n = 0;
	st->cap = cap;
}

struct sweep_track *
sweep_track_find(const struct sweep_state *st, uint32_t host_id,
    const char *uuid)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (st->v[i].host_id == host_id &&
		    strcmp(st->v[i].uuid, uuid) == 0)
			return &st->v[i];
	return NULL;
}

const struct sweep_track *
sweep_state_find(const struct sweep_state *st, uint32_t host_id,
    const char *uuid)
{
	return sweep_track_find(st, host_id, uuid);
}

void
sweep_track_remove(struct sweep_state *st, struct sweep_track *t)
{
	size_t	i = (size_t)(t - st->v);

	st->v[i] = st->v[st->n - 1];
	st->n--;
}

void
sweep_track_fail(const struct sweep_policy *p, struct sweep_track *t,
    uint64_t now_ms)
{
	t->attempts++;
	t->next_attempt_ms = now_ms + sweep_backoff_ms(p, t->attempts);
	t->inflight = 0;
	t->resumed = 0;
}

int
sweep_report(const struct sweep_policy *p, struct sweep_state *st,
    uint64_t now_ms, uint32_t host_id, const char *uuid,
    enum sweep_result res, char *err)
{
	struct sweep_track	*t;

	if ((t = sweep_track_find(st, host_id, uuid)) == NULL) {
		if (res == SWR_VANISHED)
			return 0;
		set_err(err, "sweep: report %s for untracked domain host=%u "
		    "uuid=%s", sweep_result_name(res), host_id, uuid);
		return -1;
	}
	switch (res) {
	case SWR_RESUMED:
		t->inflight = 0;
		t->resumed = 1;
		t->next_attempt_ms = 0;
		break;
	case SWR_ABORTED:
		t->inflight = 0;
		break;
	case SWR_REPAUSED:
	case SWR_RESUME_FAILED:
	case SWR_ABORT_FAILED:
		sweep_track_fail(p, t, now_ms);
		break;
	case SWR_VANISHED:
		sweep_track_remove(st, t);
		break;
	}
	return 0;
}

void
sweep_forget_host(struct sweep_state *st, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < st->n; ) {
		if (st->v[i].host_id == host_id)
			sweep_track_remove(st, &st->v[i]);
		else
			i++;
	}
}
