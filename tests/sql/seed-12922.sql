-- seed-12922.sql -- the database state of CloudStack issue #12922 (seed 003_cb76990e972b727a):
-- "KVM Host HA: host reaches Fenced but VMs remain Running on failed host and HA work is marked
-- Done without restart".  Load after cloudstack-schema.sql into database `cloud`
-- (tests/lib/mariadb.sh: mariadb_load), with FOREIGN_KEY_CHECKS=1.
--
-- Evidence in the seed -> rows here
--   4.22, KVM cluster, Host HA with provider kvmhaprovider, IPMI OOBM, NFS primary storage,
--   2 management servers
--       -> zone 1 / pod 1 / cluster 1 (KVM), hosts 1..7 (10.1.1.<id>), one NFS pool
--          (NetworkFilesystem 10.1.1.250:/export/primary, scope CLUSTER), oobm rows with driver
--          ipmitool for every host, ha_config rows with provider kvmhaprovider.
--   ha_config: | 1 | 6 | Host | 1 | Fenced | kvmhaprovider | 131 | 2026-03-31 06:42:57 | 248902281439561 |
--              | 2 | 5 | Host | 1 | Ineligible | kvmhaprovider | 19 | 2026-03-31 06:31:21 | 248902281439561 |
--       -> ha_config ids 1 and 2 verbatim; ids 3..7 (hosts 1-4, 7: Available) are ours.
--   vm_instance WHERE host_id = 6: 78 r-78-VM, 80 v-80-VM, 84 s-84-VM, 87 i-2-87-VM, 88 i-2-88-VM,
--       all Running, host_id 6, last_host_id 6, PowerOn, power_host 6, update_time and
--       power_state_update_time as printed
--       -> vm_instance 78/80/84/87/88 verbatim.  Their update_count is the `updated` column of
--          their HA rows (18, 13, 100, 35, 30): op_ha_work.updated holds the VM's update_count.
--          type: DomainRouter / ConsoleProxy / SecondaryStorageVm / User (from op_ha_work.vm_type).
--          ha_enabled = 1 (not shown in the seed; VM HA was enabled).
--   op_ha_work ids 81..85: HA, vm_type as above, state Running, mgmt_server_id 248902281439561,
--       host_id 6, created = taken = 2026-03-31 06:31:18, tried 0/0/3/0/0, step Done,
--       time_to_try 1733338553 (= 06:31:18 in ms>>10 ticks), updated 18/13/100/35/30, HostDown
--       -> op_ha_work 81..85 verbatim (the row for 78 has tried 3).
--   management server 248902281439561 still made ha_config transitions after the HA rows
--       -> mshost msid 248902281439561 is live.
--
-- Not in the seed, inferred (reference/cloudstack.md):
--   host 6: status Down (fenceSubResources marked it Down when it queued the HA rows, §3.5),
--     resource_state Maintenance (Host-HA fencing applies InternalEnterMaintenance, §2.5),
--     mgmt_server_id NULL (Down clears it, §1.3), last_mgmt_server_id 248902281439561,
--     last_ping = its last power report (06:26:12) in ms>>10 ticks, oobm power_state Off.
--   Other hosts Up/Enabled, last_ping = load time; host 5 is Up too (the seed does not say why
--     it is Ineligible).
--
-- Added for the tests (NOT in the seed; labelled "extra" below):
--   VM 89 Running on host 6 with ha_enabled 0; VM 90 Migrating to host 6 (host_id 6, last_host_id 6); VM 91 Stopped
--   (host_id NULL, last_host_id 6); VMs 92..94 Running on hosts 1..3.  These change the seed's
--   `WHERE host_id = 6` result (89 and 90 appear too).  No HA rows for them.
--   mshost 1111 (live) and 2222 (dead: last_update 10 minutes before load).  Liveness is
--   `removed IS NULL AND last_update > UTC_TIMESTAMP() - INTERVAL 150 SECOND` (CloudStack's ActiveSearch; state plays no part)
--   (cluster.heartbeat.threshold 150000 ms), so last_update is evaluated at load time.
--   configuration: the seed's HA tuning plus the defaults hawatch reasons about.
--
-- All datetimes are UTC, as CloudStack writes them (serverTimezone=UTC).

SET time_zone = '+00:00';
SET FOREIGN_KEY_CHECKS = 1;

INSERT INTO `domain` (id, parent, name, uuid, owner, path, level, state) VALUES
  (1, NULL, 'ROOT', 'd0000000-0000-4000-8000-000000000001', 2, '/', 0, 'Active');

INSERT INTO `account` (id, account_name, uuid, type, role_id, domain_id, state, created) VALUES
  (1, 'system', 'ac000000-0000-4000-8000-000000000001', 1, 1, 1, 'enabled', '2026-03-01 09:00:00'),
  (2, 'admin',  'ac000000-0000-4000-8000-000000000002', 1, 1, 1, 'enabled', '2026-03-01 09:00:00');

INSERT INTO `data_center` (id, name, uuid, dns1, internal_dns1, networktype, allocation_state, created, type) VALUES
  (1, 'zone1', 'dc000000-0000-4000-8000-000000000001', '10.1.0.53', '10.1.0.53', 'Advanced', 'Enabled',
   '2026-03-01 09:00:00', 'Core');

INSERT INTO `host_pod_ref` (id, name, uuid, data_center_id, gateway, cidr_address, cidr_size, allocation_state) VALUES
  (1, 'pod1', 'bd000000-0000-4000-8000-000000000001', 1, '10.1.1.254', '10.1.1.0', 24, 'Enabled');

INSERT INTO `cluster` (id, name, uuid, guid, pod_id, data_center_id, hypervisor_type, cluster_type,
                       allocation_state, managed_state, created, arch) VALUES
  (1, 'cluster1', 'c1000000-0000-4000-8000-000000000001', NULL, 1, 1, 'KVM', 'CloudManaged',
   'Enabled', 'Managed', '2026-03-01 09:00:00', 'x86_64');

-- live: the seed's HA owner and 1111; dead: 2222 (state still 'Up', heartbeat stale)
INSERT INTO `mshost` (id, msid, runid, name, uuid, state, version, service_ip, service_port, last_update, removed, alert_count) VALUES
  (1, 248902281439561, 1774900000001, 'ms-a', 'e5000000-0000-4000-8000-000000000001', 'Up', '4.22.0.0',
   '10.1.0.11', 9090, UTC_TIMESTAMP(), NULL, 0),
  (2, 1111, 1774900000002, 'ms-live', 'e5000000-0000-4000-8000-000000000002', 'Up', '4.22.0.0',
   '10.1.0.12', 9090, UTC_TIMESTAMP(), NULL, 0),
  (3, 2222, 1774900000003, 'ms-dead', 'e5000000-0000-4000-8000-000000000003', 'Up', '4.22.0.0',
   '10.1.0.13', 9090, UTC_TIMESTAMP() - INTERVAL 10 MINUTE, NULL, 0);

-- last_ping is System.currentTimeMillis() >> 10
INSERT INTO `host` (id, name, uuid, status, type, private_ip_address, private_netmask, private_mac_address,
                    storage_ip_address, storage_netmask, storage_mac_address, cluster_id, data_center_id, pod_id,
                    cpu_sockets, cpus, speed, url, hypervisor_type, hypervisor_version, ram, resource, version,
                    capabilities, guid, available, setup, dom0_memory, last_ping, mgmt_server_id,
                    last_mgmt_server_id, disconnected, created, update_count, resource_state, arch) VALUES
  (1, 'kvm01', 'a1000000-0000-4000-8000-000000000001', 'Up', 'Routing', '10.1.1.1', '255.255.255.0', '52:54:00:01:01:01',
   '10.1.1.1', '255.255.255.0', '52:54:00:01:01:01', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm01', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000001-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 248902281439561, 248902281439561, NULL, '2026-03-01 10:00:00', 4, 'Enabled', 'x86_64'),
  (2, 'kvm02', 'a1000000-0000-4000-8000-000000000002', 'Up', 'Routing', '10.1.1.2', '255.255.255.0', '52:54:00:01:01:02',
   '10.1.1.2', '255.255.255.0', '52:54:00:01:01:02', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm02', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000002-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 248902281439561, 248902281439561, NULL, '2026-03-01 10:00:00', 4, 'Enabled', 'x86_64'),
  (3, 'kvm03', 'a1000000-0000-4000-8000-000000000003', 'Up', 'Routing', '10.1.1.3', '255.255.255.0', '52:54:00:01:01:03',
   '10.1.1.3', '255.255.255.0', '52:54:00:01:01:03', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm03', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000003-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 248902281439561, 248902281439561, NULL, '2026-03-01 10:00:00', 4, 'Enabled', 'x86_64'),
  (4, 'kvm04', 'a1000000-0000-4000-8000-000000000004', 'Up', 'Routing', '10.1.1.4', '255.255.255.0', '52:54:00:01:01:04',
   '10.1.1.4', '255.255.255.0', '52:54:00:01:01:04', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm04', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000004-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 1111, 1111, NULL, '2026-03-01 10:00:00', 4, 'Enabled', 'x86_64'),
  (5, 'kvm05', 'a1000000-0000-4000-8000-000000000005', 'Up', 'Routing', '10.1.1.5', '255.255.255.0', '52:54:00:01:01:05',
   '10.1.1.5', '255.255.255.0', '52:54:00:01:01:05', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm05', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000005-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 1111, 1111, NULL, '2026-03-01 10:00:00', 6, 'Enabled', 'x86_64'),
  -- the fenced host of the seed
  (6, 'kvm06', 'a1000000-0000-4000-8000-000000000006', 'Down', 'Routing', '10.1.1.6', '255.255.255.0', '52:54:00:01:01:06',
   '10.1.1.6', '255.255.255.0', '52:54:00:01:01:06', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm06', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000006-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP('2026-03-31 06:26:12') * 1000) >> 10, NULL, 248902281439561, '2026-03-31 06:31:18',
   '2026-03-01 10:00:00', 9, 'Maintenance', 'x86_64'),
  (7, 'kvm07', 'a1000000-0000-4000-8000-000000000007', 'Up', 'Routing', '10.1.1.7', '255.255.255.0', '52:54:00:01:01:07',
   '10.1.1.7', '255.255.255.0', '52:54:00:01:01:07', 1, 1, 1, 2, 32, 2400, 'iqn.1994-05.com.redhat:kvm07', 'KVM', NULL,
   270582939648, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource', '4.22.0.0', 'hvm,snapshot',
   'a1000000-0000-4000-8000-000000000007-LibvirtComputingResource', 1, 0, 0,
   FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 1111, 1111, NULL, '2026-03-01 10:00:00', 4, 'Enabled', 'x86_64');

INSERT INTO `vm_template` (id, unique_name, name, uuid, public, featured, type, hvm, bits, url, format, created,
                           account_id, display_text, enable_password, guest_os_id, hypervisor_type, state) VALUES
  (1, 'routing-1', 'SystemVM Template (KVM)', '7e000000-0000-4000-8000-000000000001', 0, 0, 'SYSTEM', 1, 64,
   'http://download.cloudstack.org/systemvm/4.22/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2', 'QCOW2',
   '2026-03-01 09:00:00', 1, 'SystemVM Template (KVM)', 0, 15, 'KVM', 'Active'),
  (2, '2-ubuntu-2404', 'Ubuntu 24.04', '7e000000-0000-4000-8000-000000000002', 1, 1, 'USER', 1, 64,
   'http://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img', 'QCOW2',
   '2026-03-01 09:30:00', 2, 'Ubuntu 24.04', 1, 100, 'KVM', 'Active');

INSERT INTO `service_offering` (id, name, uuid, display_text, cpu, speed, ram_size, ha_enabled, default_use, vm_type,
                                system_use, state, created) VALUES
  (1, 'Small Instance HA', '50000000-0000-4000-8000-000000000001', 'Small Instance HA', 1, 1000, 1024, 1, 0, NULL, 0, 'Active', '2026-03-01 09:00:00'),
  (2, 'System Offering For Software Router', '50000000-0000-4000-8000-000000000002', 'System Offering For Software Router',
   1, 500, 512, 1, 1, 'domainrouter', 1, 'Active', '2026-03-01 09:00:00'),
  (3, 'System Offering For Console Proxy', '50000000-0000-4000-8000-000000000003', 'System Offering For Console Proxy',
   1, 500, 1024, 1, 1, 'consoleproxy', 1, 'Active', '2026-03-01 09:00:00'),
  (4, 'System Offering For Secondary Storage VM', '50000000-0000-4000-8000-000000000004', 'System Offering For Secondary Storage VM',
   1, 500, 1024, 1, 1, 'secondarystoragevm', 1, 'Active', '2026-03-01 09:00:00'),
  (5, 'Small Instance', '50000000-0000-4000-8000-000000000005', 'Small Instance', 1, 1000, 1024, 0, 0, NULL, 0, 'Active', '2026-03-01 09:00:00');

INSERT INTO `vm_instance` (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, private_mac_address,
                           private_ip_address, pod_id, data_center_id, host_id, last_host_id, vnc_password,
                           ha_enabled, update_count, update_time, created, type, vm_type, account_id, domain_id,
                           service_offering_id, hypervisor_type, host_name, display_name, power_state,
                           power_state_update_time, power_state_update_count, power_host, user_id) VALUES
  -- the seed's five VMs on fenced host 6
  (78, 'r-78-VM', 'b1000000-0000-4000-8000-000000000078', 'r-78-VM', 'Running', 1, 15, '0e:00:a9:fe:00:4e',
   '169.254.0.78', 1, 1, 6, 6, 'vncR78xxxxxxxxxx', 1, 100, '2026-03-31 06:19:55', '2026-03-20 08:00:00',
   'DomainRouter', 'DomainRouter', 2, 1, 2, 'KVM', NULL, NULL, 'PowerOn', '2026-03-31 06:26:12', 1, 6, 1),
  (80, 'v-80-VM', 'b1000000-0000-4000-8000-000000000080', 'v-80-VM', 'Running', 1, 15, '0e:00:a9:fe:00:50',
   '169.254.0.80', 1, 1, 6, 6, 'vncV80xxxxxxxxxx', 1, 35, '2026-03-31 06:19:15', '2026-03-20 08:00:00',
   'ConsoleProxy', 'ConsoleProxy', 1, 1, 3, 'KVM', NULL, NULL, 'PowerOn', '2026-03-31 06:26:12', 1, 6, 1),
  (84, 's-84-VM', 'b1000000-0000-4000-8000-000000000084', 's-84-VM', 'Running', 1, 15, '0e:00:a9:fe:00:54',
   '169.254.0.84', 1, 1, 6, 6, 'vncS84xxxxxxxxxx', 1, 30, '2026-03-31 06:19:14', '2026-03-20 08:00:00',
   'SecondaryStorageVm', 'SecondaryStorageVm', 1, 1, 4, 'KVM', NULL, NULL, 'PowerOn', '2026-03-31 06:26:12', 1, 6, 1),
  (87, 'vm87', 'b1000000-0000-4000-8000-000000000087', 'i-2-87-VM', 'Running', 2, 100, '02:00:3a:00:00:57',
   '10.0.0.87', 1, 1, 6, 6, 'vncI87xxxxxxxxxx', 1, 13, '2026-03-31 06:21:56', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm87', 'vm87', 'PowerOn', '2026-03-31 06:26:12', 1, 6, 2),
  (88, 'vm88', 'b1000000-0000-4000-8000-000000000088', 'i-2-88-VM', 'Running', 2, 100, '02:00:3a:00:00:58',
   '10.0.0.88', 1, 1, 6, 6, 'vncI88xxxxxxxxxx', 1, 18, '2026-03-31 06:21:56', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm88', 'vm88', 'PowerOn', '2026-03-31 06:26:12', 1, 6, 2),
  -- extra: Running on host 6 without HA
  (89, 'vm89', 'b1000000-0000-4000-8000-000000000089', 'i-2-89-VM', 'Running', 2, 100, '02:00:3a:00:00:59',
   '10.0.0.89', 1, 1, 6, 6, 'vncI89xxxxxxxxxx', 0, 7, '2026-03-31 06:21:56', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 5, 'KVM', 'vm89', 'vm89', 'PowerOn', '2026-03-31 06:26:12', 1, 6, 2),
  -- extra: Migrating TO host 6: host_id is the destination, last_host_id the source (VMM:3135-3138)
  (90, 'vm90', 'b1000000-0000-4000-8000-000000000090', 'i-2-90-VM', 'Migrating', 2, 100, '02:00:3a:00:00:5a',
   '10.0.0.90', 1, 1, 6, 6, 'vncI90xxxxxxxxxx', 1, 7, '2026-03-31 06:24:40', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm90', 'vm90', 'PowerOn', '2026-03-31 06:26:12', 1, 6, 2),
  -- extra: Stopped, last ran on host 6
  (91, 'vm91', 'b1000000-0000-4000-8000-000000000091', 'i-2-91-VM', 'Stopped', 2, 100, '02:00:3a:00:00:5b',
   '10.0.0.91', 1, 1, NULL, 6, 'vncI91xxxxxxxxxx', 1, 7, '2026-03-30 17:05:00', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm91', 'vm91', 'PowerOff', '2026-03-30 17:05:00', 1, NULL, 2),
  -- extra: healthy VMs on other hosts
  (92, 'vm92', 'b1000000-0000-4000-8000-000000000092', 'i-2-92-VM', 'Running', 2, 100, '02:00:3a:00:00:5c',
   '10.0.0.92', 1, 1, 1, 1, 'vncI92xxxxxxxxxx', 1, 7, '2026-03-28 10:00:00', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm92', 'vm92', 'PowerOn', '2026-03-28 10:00:05', 1, 1, 2),
  (93, 'vm93', 'b1000000-0000-4000-8000-000000000093', 'i-2-93-VM', 'Running', 2, 100, '02:00:3a:00:00:5d',
   '10.0.0.93', 1, 1, 2, 2, 'vncI93xxxxxxxxxx', 1, 7, '2026-03-28 10:00:00', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm93', 'vm93', 'PowerOn', '2026-03-28 10:00:05', 1, 2, 2),
  (94, 'vm94', 'b1000000-0000-4000-8000-000000000094', 'i-2-94-VM', 'Running', 2, 100, '02:00:3a:00:00:5e',
   '10.0.0.94', 1, 1, 3, 3, 'vncI94xxxxxxxxxx', 0, 7, '2026-03-28 10:00:00', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 5, 'KVM', 'vm94', 'vm94', 'PowerOn', '2026-03-28 10:00:05', 1, 3, 2);

-- the seed's HA rows, verbatim
INSERT INTO `op_ha_work` (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created, tried, taken,
                          step, time_to_try, updated, reason) VALUES
  (81, 84, 'HA', 'SecondaryStorageVm', 'Running', 248902281439561, 6, '2026-03-31 06:31:18', 0, '2026-03-31 06:31:18', 'Done', 1733338553,  30, 'HostDown'),
  (82, 80, 'HA', 'ConsoleProxy',       'Running', 248902281439561, 6, '2026-03-31 06:31:18', 0, '2026-03-31 06:31:18', 'Done', 1733338553,  35, 'HostDown'),
  (83, 78, 'HA', 'DomainRouter',       'Running', 248902281439561, 6, '2026-03-31 06:31:18', 3, '2026-03-31 06:31:18', 'Done', 1733338553, 100, 'HostDown'),
  (84, 87, 'HA', 'User',               'Running', 248902281439561, 6, '2026-03-31 06:31:18', 0, '2026-03-31 06:31:18', 'Done', 1733338553,  13, 'HostDown'),
  (85, 88, 'HA', 'User',               'Running', 248902281439561, 6, '2026-03-31 06:31:18', 0, '2026-03-31 06:31:18', 'Done', 1733338553,  18, 'HostDown');

-- ids 1 and 2 verbatim from the seed; 3..7 ours
INSERT INTO `ha_config` (id, resource_id, resource_type, enabled, ha_state, provider, update_count, update_time, mgmt_server_id) VALUES
  (1, 6, 'Host', 1, 'Fenced',     'kvmhaprovider', 131, '2026-03-31 06:42:57', 248902281439561),
  (2, 5, 'Host', 1, 'Ineligible', 'kvmhaprovider',  19, '2026-03-31 06:31:21', 248902281439561),
  (3, 1, 'Host', 1, 'Available',  'kvmhaprovider',   7, '2026-03-30 08:00:00', 248902281439561),
  (4, 2, 'Host', 1, 'Available',  'kvmhaprovider',   7, '2026-03-30 08:00:00', 248902281439561),
  (5, 3, 'Host', 1, 'Available',  'kvmhaprovider',   7, '2026-03-30 08:00:00', 248902281439561),
  (6, 4, 'Host', 1, 'Available',  'kvmhaprovider',   7, '2026-03-30 08:00:00', 248902281439561),
  (7, 7, 'Host', 1, 'Available',  'kvmhaprovider',   7, '2026-03-30 08:00:00', 248902281439561);

-- BMCs on 10.1.2.<host id>; passwords are opaque ENC(...) blobs (AES-GCM under the MS key, §6)
INSERT INTO `oobm` (id, host_id, enabled, power_state, driver, address, port, username, password, update_count,
                    update_time, mgmt_server_id) VALUES
  (1, 1, 1, 'On',  'ipmitool', '10.1.2.1', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDE=)', 12, '2026-03-31 06:40:00', 248902281439561),
  (2, 2, 1, 'On',  'ipmitool', '10.1.2.2', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDI=)', 12, '2026-03-31 06:40:00', 248902281439561),
  (3, 3, 1, 'On',  'ipmitool', '10.1.2.3', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDM=)', 12, '2026-03-31 06:40:00', 248902281439561),
  (4, 4, 1, 'On',  'ipmitool', '10.1.2.4', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDQ=)', 12, '2026-03-31 06:40:00', 1111),
  (5, 5, 1, 'On',  'ipmitool', '10.1.2.5', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDU=)', 12, '2026-03-31 06:40:00', 1111),
  (6, 6, 1, 'Off', 'ipmitool', '10.1.2.6', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDY=)', 15, '2026-03-31 06:42:57', 248902281439561),
  (7, 7, 1, 'On',  'ipmitool', '10.1.2.7', '623', 'admin', 'ENC(q1x5Qm9ndXNCbG9iMDc=)', 12, '2026-03-31 06:40:00', 1111);

INSERT INTO `storage_pool` (id, name, uuid, pool_type, port, data_center_id, pod_id, cluster_id, used_bytes,
                            capacity_bytes, host_address, user_info, path, created, update_time, status,
                            storage_provider_name, scope, hypervisor, managed, parent) VALUES
  (1, 'nfs-primary', '5f000000-0000-4000-8000-000000000001', 'NetworkFilesystem', 2049, 1, 1, 1,
   1099511627776, 10995116277760, '10.1.1.250', NULL, '/export/primary', '2026-03-01 10:30:00',
   '2026-03-31 06:40:00', 'Up', 'DefaultPrimary', 'CLUSTER', 'KVM', 0, 0);

-- KVM mounts a pool at /mnt/<pool uuid>
INSERT INTO `storage_pool_host_ref` (id, host_id, pool_id, created, last_updated, local_path) VALUES
  (1, 1, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (2, 2, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (3, 3, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (4, 4, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (5, 5, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (6, 6, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001'),
  (7, 7, 1, '2026-03-01 10:30:00', NULL, '/mnt/5f000000-0000-4000-8000-000000000001');

-- one ROOT volume per VM, all on the NFS pool (volume id = 1000 + VM id)
INSERT INTO `volumes` (id, account_id, domain_id, pool_id, last_pool_id, instance_id, device_id, name, uuid, size,
                       folder, path, pod_id, data_center_id, host_ip, volume_type, pool_type, disk_offering_id,
                       template_id, created, attached, removed, state, update_count, format)
SELECT 1000 + v.id, v.account_id, v.domain_id, 1, NULL, v.id, 0, CONCAT('ROOT-', v.id),
       CONCAT('f0000000-0000-4000-8000-', LPAD(v.id, 12, '0')), 8589934592,
       '/export/primary', CONCAT('f0000000-0000-4000-8000-', LPAD(v.id, 12, '0')), 1, 1, NULL, 'ROOT',
       'NetworkFilesystem', 1, v.vm_template_id, v.created, v.created, NULL, 'Ready', 2, 'QCOW2'
  FROM `vm_instance` v ORDER BY v.id;

-- the seed's HA tuning + defaults hawatch reasons about (reference/cloudstack.md §3.1, §6)
INSERT INTO `configuration` (category, instance, component, name, value, description, default_value, updated, scope, is_dynamic) VALUES
  ('Advanced', 'DEFAULT', 'management-server', 'wait', '20', 'Time in seconds to wait for control commands to return', '1800', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'KVMHAConfig', 'kvm.ha.activity.check.interval', '20', 'Interval in seconds between activity checks', '60', '2026-03-31 05:50:00', 'Cluster', 1),
  ('Advanced', 'DEFAULT', 'KVMHAConfig', 'kvm.ha.activity.check.max.attempts', '5', 'Maximum number of activity checks before a host is considered for recovery', '10', '2026-03-31 05:50:00', 'Cluster', 1),
  ('Advanced', 'DEFAULT', 'KVMHAConfig', 'kvm.ha.degraded.max.period', '120', 'Seconds a host may stay Degraded before it is rechecked', '300', '2026-03-31 05:50:00', 'Cluster', 1),
  ('Advanced', 'DEFAULT', 'KVMHAConfig', 'kvm.ha.recover.wait.period', '600', 'Seconds to wait after a recovery before checking again', '600', '2026-03-31 05:50:00', 'Cluster', 1),
  ('Advanced', 'DEFAULT', 'KVMHAConfig', 'kvm.ha.recover.failure.threshold', '1', 'Recovery attempts before fencing', '1', '2026-03-31 05:50:00', 'Cluster', 1),
  ('Advanced', 'DEFAULT', 'HighAvailabilityManager', 'vm.ha.enabled', 'true', 'Enable/Disable VM High Availability', 'true', '2026-03-31 05:50:00', 'Zone', 1),
  ('Advanced', 'DEFAULT', 'HighAvailabilityManager', 'vm.ha.migration.max.retries', '5', 'Total number of attempts for trying migration of a VM', '5', '2026-03-31 05:50:00', NULL, 1),
  ('Advanced', 'DEFAULT', 'HighAvailabilityManager', 'time.between.failures', '3600', 'Time in seconds between failures', '3600', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'HighAvailabilityManager', 'time.between.cleanup', '86400', 'Time in seconds before the HA cleanup runs', '86400', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'AgentManager', 'ping.interval', '60', 'Interval in seconds to send pings to the agent', '60', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'AgentManager', 'ping.timeout', '2.5', 'Multiplier to ping.interval before announcing an agent has timed out', '2.5', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'ClusterManager', 'cluster.heartbeat.interval', '1500', 'Interval (in milliseconds) to check for the heart beat between management server nodes', '1500', '2026-03-31 05:50:00', NULL, 0),
  ('Advanced', 'DEFAULT', 'ClusterManager', 'cluster.heartbeat.threshold', '150000', 'Threshold (in milliseconds) before self-fence the management server', '150000', '2026-03-31 05:50:00', NULL, 0);
