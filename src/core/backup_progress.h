/*
 * backup_progress.h -- a libvirt job's progress counters and the pure rules
 * that read them (no I/O, no clock, no libvirt include).
 *
 * Where it sits: the libvirt adapter (reconcile/virt_progress.c) copies
 * every counter virDomainGetJobStats() reports into a struct bp_counters;
 * the sweep core (src/core/sweep_core.c) asks bp_moved() whether the job
 * moved since its last look and bp_known() whether it reports progress at
 * all.  Which counters a job reports depends on its type (virsh domjobinfo
 * --rawstats):
 *   push-mode backup      disk_processed / disk_remaining / disk_total
 *   migration, save, dump data_* and mem_* (memory), disk_* (storage copy)
 *   pull-mode backup      none: its NBD client drives it (only
 *                         disk_temp_used / disk_temp_total, not progress)
 * A job that reports no progress counter at all is UNKNOWN, never stalled.
 *
 * Progress counters are the *_processed and *_remaining ones; *_total is
 * carried for the evidence only (a total that changes is not movement).
 */
#ifndef HAWATCH_BACKUP_PROGRESS_H
#define HAWATCH_BACKUP_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/* One libvirt job statistic each; names are libvirt's typed-param names. */
enum bp_field {
	BPF_DISK_PROCESSED,
	BPF_DISK_REMAINING,
	BPF_DISK_TOTAL,
	BPF_DATA_PROCESSED,
	BPF_DATA_REMAINING,
	BPF_DATA_TOTAL,
	BPF_MEM_PROCESSED,
	BPF_MEM_REMAINING,
	BPF_MEM_TOTAL,
	BPF_N,
	BPF_NONE = BPF_N,	/* "no field" (bp_moved, bp_main) */
};

struct bp_counters {
	uint64_t	v[BPF_N];	/* bytes */
	unsigned	present;	/* bit (1u << field): libvirt reported it */
};

void		 bp_set(struct bp_counters *, enum bp_field, uint64_t bytes);
int		 bp_has(const struct bp_counters *, enum bp_field);
int		 bp_is_progress(enum bp_field);
int		 bp_known(const struct bp_counters *);
enum bp_field	 bp_main(const struct bp_counters *);
int		 bp_moved(const struct bp_counters *before,
		    const struct bp_counters *now, enum bp_field *which);
void		 bp_describe(const struct bp_counters *, enum bp_field,
		    char *buf, size_t len);
const char	*bp_field_name(enum bp_field);

#endif
