/*
 * usage_nics.c -- the HA-worker fixture's model of what CloudStack 4.22's
 * start path writes besides vm_instance, so that tests can assert the rows
 * after a restart.  It implements CloudStack's documented semantics
 * (../shared/reference/cloudstack-stop.md and the source cited there); it
 * is a stand-in for the Java management server, not a port of it.
 *
 * When a VM reaches Running (VirtualMachineManagerImpl.orchestrateStart):
 *   prepareNic (NetworkOrchestrator:2173-2245), every non-removed NIC,
 *     whatever its state: state Reserved; a Start-strategy NIC under a
 *     guest guru takes the network's broadcast_uri as broadcast_uri and
 *     isolation_uri (GuestNetworkGuru.reserve); then updateNic(+1):
 *     op_networks.nics_count + 1 when nics.vm_type is User, check_for_gc = 1
 *     when User or DomainRouter on a Guest network.
 *   finalizeStart (UserVmManagerImpl:5485-5492), User VMs with display_vm=1:
 *     NETWORK.OFFERING.ASSIGN per non-removed NIC (resource_name = NIC id,
 *     offering = the network's, template NULL, size 1 for the default NIC
 *     else 0, resource_type NULL);
 *   then the Starting->Running transition's listener (UserVmStateListener):
 *     VM.START with the VM.STOP columns, and cpuNumber/cpuSpeed/memory
 *     usage_event_details for a custom offering.
 * Not modelled: the fixture's own advanceStop does not release NICs nor
 * write VM.STOP (hawatch's reconcile does that before the fixture sees the
 * VM); IP allocation tables of system VMs.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

static int
prepare_nics(struct db *db, uint64_t vm, char *err)
{
	char	sql[1536];

	snprintf(sql, sizeof(sql), "UPDATE op_networks o JOIN (SELECT "
	    "n.network_id, SUM(n.vm_type = 'User') AS k, MAX(n.vm_type = "
	    "'User' OR (n.vm_type = 'DomainRouter' AND nw.traffic_type = "
	    "'Guest')) AS gc FROM nics n JOIN networks nw ON nw.id = "
	    "n.network_id WHERE n.instance_id = %llu AND n.removed IS NULL "
	    "GROUP BY n.network_id) c ON c.network_id = o.id SET o.nics_count "
	    "= o.nics_count + c.k, o.check_for_gc = IF(c.gc, 1, "
	    "o.check_for_gc)", (unsigned long long)vm);
	if (db_exec(db, "count NICs", sql, NULL, err) == -1)
		return -1;
	snprintf(sql, sizeof(sql), "UPDATE nics n JOIN networks nw ON nw.id = "
	    "n.network_id SET n.broadcast_uri = IF(n.strategy = 'Start' AND "
	    "nw.guru_name LIKE '%%GuestNetworkGuru', nw.broadcast_uri, "
	    "n.broadcast_uri), n.isolation_uri = IF(n.strategy = 'Start' AND "
	    "nw.guru_name LIKE '%%GuestNetworkGuru', nw.broadcast_uri, "
	    "n.isolation_uri), n.state = 'Reserved' WHERE n.instance_id = %llu "
	    "AND n.removed IS NULL", (unsigned long long)vm);
	return db_exec(db, "reserve NICs", sql, NULL, err);
}

static int
usage_start(struct db *db, uint64_t vm, char *err)
{
	static const char *const dn[] = { "cpuNumber", "cpuSpeed", "memory" };
	static const char *const col[] = { "cpu", "speed", "ram_size" };
	unsigned long long	 n = 0, ev;
	struct sbuf		 sb;
	size_t			 i;
	int			 rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO usage_event (type, account_id, created, "
	    "zone_id, resource_id, resource_name, offering_id, template_id, "
	    "size, resource_type, processed, virtual_size) SELECT "
	    "'NETWORK.OFFERING.ASSIGN', v.account_id, UTC_TIMESTAMP(), "
	    "v.data_center_id, v.id, CAST(n.id AS CHAR), "
	    "nw.network_offering_id, NULL, n.default_nic, NULL, 0, NULL FROM "
	    "vm_instance v JOIN nics n ON n.instance_id = v.id AND n.removed IS "
	    "NULL JOIN networks nw ON nw.id = n.network_id WHERE v.id = %llu "
	    "AND v.type = 'User' AND v.display_vm = 1 ORDER BY n.id",
	    (unsigned long long)vm);
	rc = db_exec(db, "usage NETWORK.OFFERING.ASSIGN", sb.s, NULL, err);
	sbuf_reset(&sb);
	sbuf_add(&sb, "INSERT INTO usage_event (type, account_id, created, "
	    "zone_id, resource_id, resource_name, offering_id, template_id, "
	    "size, resource_type, processed, virtual_size) SELECT 'VM.START', "
	    "account_id, UTC_TIMESTAMP(), data_center_id, id, name, "
	    "service_offering_id, vm_template_id, NULL, hypervisor_type, 0, "
	    "NULL FROM vm_instance WHERE id = %llu AND type = 'User' AND "
	    "display_vm = 1", (unsigned long long)vm);
	if (rc == 0)
		rc = db_exec(db, "usage VM.START", sb.s, &n, err);
	if (rc == 0 && n == 1) {
		ev = mysql_insert_id(db->m);
		sbuf_reset(&sb);
		sbuf_add(&sb, "INSERT INTO usage_event_details (usage_event_id, "
		    "name, value) ");
		for (i = 0; i < 3; i++)
			sbuf_add(&sb, "%sSELECT %llu, '%s', COALESCE("
			    "(SELECT d.value FROM vm_instance_details d WHERE "
			    "d.vm_id = v.id AND d.name = '%s' ORDER BY d.id DESC "
			    "LIMIT 1), so.%s) FROM vm_instance v JOIN "
			    "service_offering so ON so.id = v.service_offering_id "
			    "WHERE v.id = %llu AND (so.cpu IS NULL OR so.speed IS "
			    "NULL OR so.ram_size IS NULL)", i ? " UNION ALL " : "",
			    (unsigned long long)ev, dn[i], dn[i], col[i],
			    (unsigned long long)vm);
		rc = db_exec(db, "usage VM.START details", sb.s, NULL, err);
	}
	sbuf_free(&sb);
	return rc;
}

int
cs_start_side_effects(struct db *db, uint64_t vm, char *err)
{
	if (prepare_nics(db, vm, err) == -1)
		return -1;
	return usage_start(db, vm, err);
}
