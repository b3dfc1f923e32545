/*
 * doctor_hosts.c -- `hawatch doctor`'s host checks (issue 11): two hosts
 * with one private IP share one heartbeat file, so the daemon holds both
 * and fences neither (a FAIL per host, naming the twin); a watched host
 * attached to no heartbeat pool (storage_pool_host_ref) cannot be judged
 * at all (a warning).  Reads the inventory only.
 */
#include <stdio.h>
#include <string.h>

#include "doctor.h"

/* the ids of the other hosts with h's IP, "2, 5" */
static void
twins_of(const struct inventory *inv, size_t i, char *out, size_t len)
{
	const struct inv_host	*h = &inv->hosts[i];
	size_t			 j, n = 0;

	out[0] = '\0';
	for (j = 0; j < inv->nhosts && n < len; j++)
		if (j != i && strcmp(inv->hosts[j].ip, h->ip) == 0)
			n += (size_t)snprintf(out + n, len - n, "%s%llu",
			    n ? ", " : "", (unsigned long long)inv->hosts[j].id);
}

void
check_hosts(struct doctor *d, const struct inventory *inv)
{
	const struct inv_host	*h;
	char			 twins[128];
	size_t			 i, ndup = 0;

	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		if (h->npools == 0 && h->ignore == IGN_NONE)
			dr(d, DR_WARN, "host.pools", "attach the host to its NFS "
			    "primary storage in CloudStack, or add a pool in "
			    "hawatch.conf", "host %llu (%s): no heartbeat pool "
			    "(storage_pool_host_ref): hawatch cannot judge it",
			    (unsigned long long)h->id, h->name);
		if (!h->dup_ip)
			continue;
		ndup++;
		twins_of(inv, i, twins, sizeof(twins));
		dr(d, DR_FAIL, "host.ip", "give each host its own "
		    "private_ip_address, or remove the stale host record",
		    "host %llu (%s): private IP %s is also host %s's: they "
		    "share one heartbeat file, so hawatch holds them and "
		    "fences neither", (unsigned long long)h->id, h->name, h->ip,
		    twins);
	}
	if (ndup == 0)
		dr(d, DR_OK, "host.ip", NULL, "%zu hosts, each with its own "
		    "private IP", inv->nhosts);
}
