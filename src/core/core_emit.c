/*
 * core_emit.c -- the two leaf helpers every phase of core_step() uses:
 * append an action, find a pool's state.  They call nothing else, so
 * core.c, guards.c, fsm_track.c and host_fsm.c all depend on this file
 * and none on another in a circle.  Pure.
 */
#include "core.h"

void
core_emit(struct core_tick *t, enum act_kind kind, uint64_t host_id,
    enum act_why why, uint64_t cluster_id, uint32_t pool_id)
{
	struct action	*a;

	if (t->acts->n >= t->acts->cap)	/* cannot happen: bound checked */
		return;
	a = &t->acts->v[t->acts->n++];
	a->kind = kind;
	a->host_id = host_id;
	a->why = why;
	a->cluster_id = cluster_id;
	a->pool_id = pool_id;
}

size_t
core_pool_find(const struct core_state *st, uint32_t id)
{
	size_t	lo = 0, hi = st->np, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->p[mid].pool_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < st->np && st->p[lo].pool_id == id) ? lo : (size_t)-1;
}
