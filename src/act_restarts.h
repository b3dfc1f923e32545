/*
 * act_restarts.h -- the daemon's restart-assurance pass, run by tick.c
 * after the core's actions (src/act_restarts.c).
 */
#ifndef HAWATCH_ACT_RESTARTS_H
#define HAWATCH_ACT_RESTARTS_H

struct daemon;

/* Leader only: one pass; the result stays in d->restarts for status. */
void	act_restarts(struct daemon *);

#endif
