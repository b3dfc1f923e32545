/*
 * policy.h -- build the decision core's policy from the config.
 */
#ifndef HAWATCH_POLICY_H
#define HAWATCH_POLICY_H

#include "config.h"
#include "core.h"

void	policy_from_config(const struct config *, struct core_policy *);

#endif
