/*
 * names.c -- the fence layer's names: stable tokens and one-line
 * messages for a BMC reading (logs, audit evidence, `hawatch doctor`),
 * and what the decision core sees of a reading (enum pwr_obs).
 * Fence results use the core's enum fence_result and its names
 * (src/core/names.c).
 */
#include "ipmi.h"

const char *
bmc_status_name(enum bmc_status s)
{
	switch (s) {
	case BMC_ON:		return "on";
	case BMC_OFF:		return "off";
	case BMC_TIMEOUT:	return "timeout";
	case BMC_AUTH_PASSWORD:	return "auth_password";
	case BMC_AUTH_USER:	return "auth_user";
	case BMC_PRIVILEGE:	return "privilege";
	case BMC_BUSY:		return "busy";
	case BMC_BAD_ANSWER:	return "bad_answer";
	case BMC_ERROR:		return "error";
	}
	return "invalid";
}

const char *
bmc_status_message(enum bmc_status s)
{
	switch (s) {
	case BMC_ON:
		return "chassis power is on";
	case BMC_OFF:
		return "chassis power is off";
	case BMC_TIMEOUT:
		return "no answer from the BMC within the session timeout; "
		    "power state unknown";
	case BMC_AUTH_PASSWORD:
		return "the BMC rejected the password";
	case BMC_AUTH_USER:
		return "the BMC does not know this username";
	case BMC_PRIVILEGE:
		return "the privilege level cannot be obtained or is "
		    "insufficient for this user (check the account's "
		    "privilege; some BMCs need workaround opensesspriv)";
	case BMC_BUSY:
		return "the BMC is busy: no free session slot or internal "
		    "IPMI error (sessions idle out; retry later)";
	case BMC_BAD_ANSWER:
		return "the BMC answered with an error completion code, "
		    "an unsupported command, or no power state";
	case BMC_ERROR:
		return "IPMI error (configuration, address or local failure)";
	}
	return "invalid status";
}

/* One completed reading as the core sees it: on, off, auth, or unknown. */
enum pwr_obs
bmc_status_power(enum bmc_status s)
{
	switch (s) {
	case BMC_ON:
		return PWR_ON;
	case BMC_OFF:
		return PWR_OFF;
	case BMC_AUTH_PASSWORD:
	case BMC_AUTH_USER:
	case BMC_PRIVILEGE:
		return PWR_AUTH_ERROR;
	case BMC_TIMEOUT:
	case BMC_BUSY:
	case BMC_BAD_ANSWER:
	case BMC_ERROR:
		break;
	}
	return PWR_UNKNOWN;
}
