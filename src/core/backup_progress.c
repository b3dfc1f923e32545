/*
 * backup_progress.c -- read a libvirt job's progress counters (pure; the
 * contract and which job reports which counter are in backup_progress.h).
 *
 * Movement: a job moved when any progress counter (processed or remaining
 * of disk, data or mem) differs from the last look, or when the set of
 * reported counters changed.  The moved counter is named so the evidence
 * and the CLI can say which one it was ("disk_processed").
 */
#include <stdio.h>

#include "backup_progress.h"
#include "util.h"

void
bp_set(struct bp_counters *c, enum bp_field f, uint64_t bytes)
{
	if (f >= BPF_N)
		return;
	c->v[f] = bytes;
	c->present |= 1u << f;
}

int
bp_has(const struct bp_counters *c, enum bp_field f)
{
	return f < BPF_N && (c->present & (1u << f)) != 0;
}

/* Processed and remaining counters show movement; totals do not. */
int
bp_is_progress(enum bp_field f)
{
	switch (f) {
	case BPF_DISK_PROCESSED:
	case BPF_DISK_REMAINING:
	case BPF_DATA_PROCESSED:
	case BPF_DATA_REMAINING:
	case BPF_MEM_PROCESSED:
	case BPF_MEM_REMAINING:
		return 1;
	default:
		return 0;
	}
}

/* Does the job report any progress counter at all? */
int
bp_known(const struct bp_counters *c)
{
	int	f;

	for (f = 0; f < BPF_N; f++)
		if (bp_is_progress((enum bp_field)f) &&
		    bp_has(c, (enum bp_field)f))
			return 1;
	return 0;
}

/* The counter to show for the job: the first processed one reported
 * (disk for a backup, then data, then mem), else any progress one. */
enum bp_field
bp_main(const struct bp_counters *c)
{
	static const enum bp_field order[] = { BPF_DISK_PROCESSED,
	    BPF_DATA_PROCESSED, BPF_MEM_PROCESSED, BPF_DISK_REMAINING,
	    BPF_DATA_REMAINING, BPF_MEM_REMAINING };
	size_t	i;

	for (i = 0; i < NELEM(order); i++)
		if (bp_has(c, order[i]))
			return order[i];
	return BPF_NONE;
}

/*
 * 1 when the job moved between the two looks; *which names the counter
 * (the main one if several moved, BPF_NONE when only the set of reported
 * counters changed).  0 when every progress counter is unchanged.
 */
int
bp_moved(const struct bp_counters *before, const struct bp_counters *now,
    enum bp_field *which)
{
	enum bp_field	f, first = BPF_NONE, m = bp_main(now);
	unsigned	mask = 0;
	int		i;

	for (i = 0; i < BPF_N; i++)
		if (bp_is_progress((enum bp_field)i))
			mask |= 1u << i;
	*which = BPF_NONE;
	for (i = 0; i < BPF_N; i++) {
		f = (enum bp_field)i;
		if (!bp_is_progress(f) || !bp_has(now, f) || !bp_has(before, f))
			continue;
		if (before->v[f] != now->v[f] && first == BPF_NONE)
			first = f;
	}
	if (first != BPF_NONE) {
		*which = m != BPF_NONE && before->v[m] != now->v[m] &&
		    bp_has(before, m) ? m : first;
		return 1;
	}
	return (before->present & mask) != (now->present & mask);
}

/* "disk_processed=140509184" for field f (or bp_main when BPF_NONE);
 * "no progress reported" when the job has none. */
void
bp_describe(const struct bp_counters *c, enum bp_field f, char *buf,
    size_t len)
{
	if (f == BPF_NONE)
		f = bp_main(c);
	if (f == BPF_NONE || !bp_has(c, f))
		snprintf(buf, len, "no progress reported");
	else
		snprintf(buf, len, "%s=%llu", bp_field_name(f),
		    (unsigned long long)c->v[f]);
}

const char *
bp_field_name(enum bp_field f)
{
	switch (f) {
	case BPF_DISK_PROCESSED:	return "disk_processed";
	case BPF_DISK_REMAINING:	return "disk_remaining";
	case BPF_DISK_TOTAL:		return "disk_total";
	case BPF_DATA_PROCESSED:	return "data_processed";
	case BPF_DATA_REMAINING:	return "data_remaining";
	case BPF_DATA_TOTAL:		return "data_total";
	case BPF_MEM_PROCESSED:		return "memory_processed";
	case BPF_MEM_REMAINING:		return "memory_remaining";
	case BPF_MEM_TOTAL:		return "memory_total";
	case BPF_N:			return "none";
	}
	/* NOTREACHED */
	return "invalid";
}
