/* PLACEHOLDER until the decision core lands: replaced by the core's timing.h */
#ifndef HAWATCH_TIMING_H
#define HAWATCH_TIMING_H
#include <stdint.h>
#define TICK_INTERVAL_MS_DEFAULT	1000
#define DEAD_AFTER_MS_DEFAULT		150000
#define STARTUP_GRACE_MS_DEFAULT	150000
#define FENCE_QUIET_MS_DEFAULT		30000
#define FENCE_MAX_ATTEMPTS_DEFAULT	3
#define FENCE_TIMEOUT_MS_DEFAULT	20000
#define BMC_POLL_INTERVAL_MS_DEFAULT	1000
#define STORM_FRACTION_PERMILLE_DEFAULT	500
#define REARM_AFTER_MS_DEFAULT		600000
#define HB_READ_DEADLINE_MS_DEFAULT	2000
#define LEADER_RETRY_MS_DEFAULT		1000
#define AGENT_HB_INTERVAL_MS_DEFAULT	60000
#define AGENT_HB_TIMEOUT_MS_DEFAULT	60000
#define AGENT_HB_MAX_TRIES_DEFAULT	5
#define AGENT_HB_RETRY_SLEEP_MS_DEFAULT	10000
static inline uint64_t
calc_self_fence_min_ms(uint64_t interval, uint64_t timeout, unsigned tries,
    uint64_t sleep)
{
	return interval + tries * (timeout + sleep) + 10000;
}
#endif
