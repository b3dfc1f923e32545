/*
 * log.h -- leveled key=value logging to stderr.
 *
 * Every line is "ts=<UTC ISO-8601> level=<lvl> event=<name> <key=value ...>".
 * The event is a short stable token (e.g. "fence.start") that docs and tests
 * grep for; the rest is printf-formatted key=value pairs chosen by the caller.
 *
 * Secrets never go through here: callers pass no password, and log_msg()
 * does not know about them.  Values that may hold spaces are quoted with
 * log_quote().
 */
#ifndef HAWATCH_LOG_H
#define HAWATCH_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LVL_DEBUG,
	LOG_LVL_INFO,
	LOG_LVL_WARN,
	LOG_LVL_ERR,
};

void		 log_set_level(enum log_level);
enum log_level	 log_get_level(void);
int		 log_level_parse(const char *, enum log_level *);
const char	*log_level_name(enum log_level);

void	log_msg(enum log_level, const char *event, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Quote s into buf for use as a key=value value ("..." with \" and \\). */
const char	*log_quote(char *buf, size_t len, const char *s);

#define log_debug(ev, ...)	log_msg(LOG_LVL_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...)	log_msg(LOG_LVL_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...)	log_msg(LOG_LVL_WARN, ev, __VA_ARGS__)
#define log_err(ev, ...)	log_msg(LOG_LVL_ERR, ev, __VA_ARGS__)

/* 1 when lines go to the journal (stderr is systemd's journal stream) */
int	log_to_journal(void);

#endif
