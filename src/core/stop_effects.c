/*
 * stop_effects.c -- the side effects of CloudStack's forced stop, as pure
 * rules (the rules and their CloudStack sources are in stop_effects.h).
 */
#include <stdlib.h>
#include <string.h>

#include "stop_effects.h"

#define EQ(a, b)	(strcmp((a), (b)) == 0)

int
stop_rule_releases(const char *old_state)
{
	return EQ(old_state, "Running") || EQ(old_state, "Stopping") ||
	    EQ(old_state, "Starting");
}

const char *
stop_rule_it_work_type(const char *old_state)
{
	return stop_rule_releases(old_state) ? old_state : NULL;
}

int
stop_rule_usage(const char *vm_type, const char *old_state, int display_vm)
{
	if (!EQ(vm_type, "User") || !display_vm)
		return 0;
	return EQ(old_state, "Running") || EQ(old_state, "Stopping");
}

int
stop_rule_is_system_vm(const char *vm_type)
{
	return !EQ(vm_type, "User");
}

int
stop_rule_unmap(const char *vm_type)
{
	return EQ(vm_type, "User");
}

/* What the guru's release() does to a Start-strategy NIC: 1 clears the
 * URIs, 0 changes nothing, -1 not modelled. */
static int
guru_release(const char *guru)
{
	static const char *const clears[] = {
		"GuestNetworkGuru", "ExternalGuestNetworkGuru",
		"VxlanGuestNetworkGuru", "OvsGuestNetworkGuru",
		"NiciraNvpGuestNetworkGuru", "BrocadeVcsGuestNetworkGuru",
		"BigSwitchBcfGuestNetworkGuru",
	};
	static const char *const keeps[] = {
		"DirectNetworkGuru", "DirectPodBasedNetworkGuru",
		"NsxGuestNetworkGuru",
	};
	size_t	i;

	for (i = 0; i < sizeof(clears) / sizeof(clears[0]); i++)
		if (EQ(guru, clears[i]))
			return 1;
	for (i = 0; i < sizeof(keeps) / sizeof(keeps[0]); i++)
		if (EQ(guru, keeps[i]))
			return 0;
	return -1;
}

void
stop_rule_nic(const struct stop_nic_facts *f, struct stop_nic_effect *e)
{
	int	reserved = EQ(f->nic_state, "Reserved");
	int	counted, g;

	memset(e, 0, sizeof(*e));
	if (!reserved && !EQ(f->nic_state, "Reserving"))
		return;				/* SNA_NONE */
	if (stop_rule_is_system_vm(f->vm_type)) {
		e->action = SNA_LEFT_SYSTEM_VM;
		return;
	}
	if (EQ(f->strategy, "Start")) {
		if ((g = guru_release(f->guru_name)) == -1) {
			e->action = SNA_LEFT_GURU;
			return;
		}
		e->clear_uris = g;
		counted = reserved;
	} else
		counted = 1;
	e->action = SNA_RELEASE;
	if (!counted)
		return;
	e->nics_count_delta = EQ(f->nic_vm_type, "User") ? -1 : 0;
	e->check_for_gc = EQ(f->nic_vm_type, "User") ||
	    (EQ(f->nic_vm_type, "DomainRouter") && EQ(f->traffic_type, "Guest"));
}

/* A detail CloudStack's Integer.parseInt accepts, as a number: -1 if not. */
static int
parse_detail(const char *s, uint64_t *out)
{
	char	*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	return *end == '\0' && *out <= 2147483647ull ? 0 : -1;
}

static enum stop_offering
dyn_value(int has, uint64_t col, const char *detail, uint64_t *out)
{
	if (detail != NULL)
		return parse_detail(detail, out) == 0 ? SOF_DYNAMIC :
		    SOF_BAD_VALUE;
	if (!has)
		return SOF_MISSING_VALUE;
	*out = col;
	return SOF_DYNAMIC;
}

enum stop_offering
stop_rule_offering(const struct stop_offering_facts *f, struct stop_dynamic *d)
{
	enum stop_offering	r;

	memset(d, 0, sizeof(*d));
	if (f->removed)
		return SOF_REMOVED;
	if (f->has_cpu && f->has_speed && f->has_ram)
		return SOF_FIXED;
	if ((r = dyn_value(f->has_cpu, f->cpu, f->detail_cpu,
	    &d->cpu_number)) != SOF_DYNAMIC ||
	    (r = dyn_value(f->has_speed, f->speed, f->detail_speed,
	    &d->cpu_speed)) != SOF_DYNAMIC ||
	    (r = dyn_value(f->has_ram, f->ram_size, f->detail_memory,
	    &d->memory)) != SOF_DYNAMIC)
		return r;
	return SOF_DYNAMIC;
}

const char *
stop_offering_reason(enum stop_offering o)
{
	switch (o) {
	case SOF_FIXED:
	case SOF_DYNAMIC:
		return NULL;
	case SOF_REMOVED:
		return "its service offering is removed";
	case SOF_MISSING_VALUE:
		return "its custom offering lacks cpuNumber, cpuSpeed or "
		    "memory in both the offering and vm_instance_details";
	case SOF_BAD_VALUE:
		return "a cpuNumber, cpuSpeed or memory detail in "
		    "vm_instance_details is not a decimal integer";
	}
	return "invalid";
}
