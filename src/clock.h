/*
 * clock.h -- the clock seam.
 *
 * The decision core never reads a clock: the tick loop reads
 * clock_mono_ms() once per tick and passes it in.  Adapters use it only to
 * compute their own I/O deadlines.  clock_wall_ms() is for audit rows and
 * CloudStack's time_to_try, never for liveness decisions.
 */
#ifndef HAWATCH_CLOCK_H
#define HAWATCH_CLOCK_H

#include <stdint.h>

uint64_t	clock_mono_ms(void);	/* CLOCK_MONOTONIC, ms */
uint64_t	clock_mono_us(void);	/* CLOCK_MONOTONIC, us (measurements) */
uint64_t	clock_wall_ms(void);	/* CLOCK_REALTIME, ms since the epoch */
void		clock_sleep_ms(uint64_t);	/* tests and tools only */

#endif
