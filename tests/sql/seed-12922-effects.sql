-- seed-12922-effects.sql -- the #12922 seed extended with what CloudStack's forced stop writes
-- besides vm_instance: an account, a custom offering, networks, NICs, vm_network_map, op_it_work
-- and usage events.  Load after cloudstack-schema.sql and seed-12922.sql (t_reconcile_effects.sh).
-- NOT in the seed: every row below is ours.  Facts: /work/shared/reference/cloudstack-stop.md.
--
--   account 3 (alice) owns VM 88, which moves to custom offering 6 (cpu/speed/ram_size NULL) with
--     cpuNumber 4, cpuSpeed 2000, memory 4096 in vm_instance_details.
--   VM 89 (Running, non-HA) gets display_vm = 0: no usage events, NICs still released.
--   VM 95: Starting on host 6 (no usage impact; NIC released, op_it_work 'Starting' closed).
--   VM 96: Stopping on host 6 (VM.STOP), its only NIC already Allocated.
--   networks 200 isolated guest (ExternalGuestNetworkGuru, Start NICs), 201 shared
--     (DirectNetworkGuru, Create NICs), 202 the system VMs' control network (ControlNetworkGuru).
--   NICs: 501 (87, net 200, Reserved), 502 (87, net 201, Reserved, Create), 503 (88, net 200,
--     Reserved), 504 (89, net 200, Reserved), 505 (95, net 200, Reserving), 506 (96, net 201,
--     Allocated), 507 (87, net 200, removed), 508/509 (router 78, nets 200/202, Reserved),
--     510 (VM 92 on live host 1, Reserved).
--   op_it_work: Running items of 87 and 78, a Migrating item of 87 (other type: untouched),
--     the Starting item of 95, a Running item of 92 (other host: untouched).
--   usage_event 1000: an earlier VM.START of 87 (untouched).

SET time_zone = '+00:00';
SET FOREIGN_KEY_CHECKS = 1;

INSERT INTO `account` (id, account_name, uuid, type, role_id, domain_id, state, created) VALUES
  (3, 'alice', 'ac000000-0000-4000-8000-000000000003', 0, 4, 1, 'enabled', '2026-03-02 09:00:00');

INSERT INTO `service_offering` (id, name, uuid, display_text, cpu, speed, ram_size, ha_enabled, default_use, vm_type,
                                system_use, state, created) VALUES
  (6, 'Custom HA', '50000000-0000-4000-8000-000000000006', 'Custom HA', NULL, NULL, NULL, 1, 0, NULL, 0, 'Active',
   '2026-03-01 09:00:00');

UPDATE `vm_instance` SET account_id = 3, service_offering_id = 6 WHERE id = 88;
UPDATE `vm_instance` SET display_vm = 0 WHERE id = 89;
INSERT INTO `vm_instance_details` (vm_id, name, value, display) VALUES
  (88, 'cpuNumber', '4', 1), (88, 'cpuSpeed', '2000', 1), (88, 'memory', '4096', 1),
  (88, 'rootdisksize', '20', 1);

INSERT INTO `vm_instance` (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, private_mac_address,
                           private_ip_address, pod_id, data_center_id, host_id, last_host_id, vnc_password,
                           ha_enabled, update_count, update_time, created, type, vm_type, account_id, domain_id,
                           service_offering_id, hypervisor_type, host_name, display_name, power_state,
                           power_state_update_time, power_state_update_count, power_host, user_id) VALUES
  (95, 'vm95', 'b1000000-0000-4000-8000-000000000095', 'i-2-95-VM', 'Starting', 2, 100, '02:00:3a:00:00:5f',
   '10.0.0.95', 1, 1, 6, 6, 'vncI95xxxxxxxxxx', 1, 21, '2026-03-31 06:25:50', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm95', 'vm95', 'PowerOff', '2026-03-31 06:25:50', 1, 6, 2),
  (96, 'vm96', 'b1000000-0000-4000-8000-000000000096', 'i-2-96-VM', 'Stopping', 2, 100, '02:00:3a:00:00:60',
   '10.0.0.96', 1, 1, 6, 6, 'vncI96xxxxxxxxxx', 0, 40, '2026-03-31 06:25:55', '2026-03-25 12:00:00',
   'User', 'User', 2, 1, 1, 'KVM', 'vm96', 'vm96', 'PowerOn', '2026-03-31 06:25:55', 1, 6, 2);

INSERT INTO `volumes` (id, account_id, domain_id, pool_id, last_pool_id, instance_id, device_id, name, uuid, size,
                       folder, path, pod_id, data_center_id, host_ip, volume_type, pool_type, disk_offering_id,
                       template_id, created, attached, removed, state, update_count, format)
SELECT 1000 + v.id, v.account_id, v.domain_id, 1, NULL, v.id, 0, CONCAT('ROOT-', v.id),
       CONCAT('f0000000-0000-4000-8000-', LPAD(v.id, 12, '0')), 8589934592,
       '/export/primary', CONCAT('f0000000-0000-4000-8000-', LPAD(v.id, 12, '0')), 1, 1, NULL, 'ROOT',
       'NetworkFilesystem', 1, v.vm_template_id, v.created, v.created, NULL, 'Ready', 2, 'QCOW2'
  FROM `vm_instance` v WHERE v.id IN (95, 96);

INSERT INTO `networks` (id, name, uuid, display_text, traffic_type, broadcast_domain_type, broadcast_uri, gateway,
                        cidr, mode, network_offering_id, physical_network_id, data_center_id, guru_name, state,
                        related, domain_id, account_id, acl_type, guest_type, created) VALUES
  (200, 'net-iso', 'ne000000-0000-4000-8000-000000000200', 'isolated', 'Guest', 'Vlan', 'vlan://100',
   '10.0.0.1', '10.0.0.0/24', 'Dhcp', 10, 1, 1, 'ExternalGuestNetworkGuru', 'Implemented', 200, 1, 2, 'Account',
   'Isolated', '2026-03-02 10:00:00'),
  (201, 'net-shared', 'ne000000-0000-4000-8000-000000000201', 'shared', 'Guest', 'Vlan', 'vlan://200',
   '10.2.0.1', '10.2.0.0/24', 'Dhcp', 11, 1, 1, 'DirectNetworkGuru', 'Setup', 201, 1, 1, 'Domain', 'Shared',
   '2026-03-02 10:00:00'),
  (202, 'net-control', 'ne000000-0000-4000-8000-000000000202', 'control', 'Control', 'LinkLocal', NULL,
   '169.254.0.1', '169.254.0.0/16', 'Static', 12, NULL, 1, 'ControlNetworkGuru', 'Setup', 202, 1, 1, NULL, NULL,
   '2026-03-01 09:00:00');

INSERT INTO `op_networks` (id, mac_address_seq, nics_count, gc, check_for_gc) VALUES
  (200, 20, 10, 1, 0), (201, 20, 4, 1, 0), (202, 20, 6, 0, 0);

INSERT INTO `nics` (id, uuid, instance_id, mac_address, ip4_address, netmask, gateway, ip_type, broadcast_uri,
                    network_id, mode, state, strategy, reserver_name, reservation_id, device_id, update_time,
                    isolation_uri, default_nic, vm_type, created, removed) VALUES
  (501, 'nc000000-0000-4000-8000-000000000501', 87, '02:00:3a:00:00:57', '10.0.0.87', '255.255.255.0', '10.0.0.1',
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserved', 'Start', 'ExternalGuestNetworkGuru', 'r-87', 0,
   '2026-03-31 06:21:00', 'vlan://100', 1, 'User', '2026-03-25 12:00:00', NULL),
  (502, 'nc000000-0000-4000-8000-000000000502', 87, '1e:00:a1:00:00:57', '10.2.0.87', '255.255.255.0', '10.2.0.1',
   'Ip4', 'vlan://200', 201, 'Dhcp', 'Reserved', 'Create', 'DirectNetworkGuru', 'r-87', 1,
   '2026-03-31 06:21:00', 'vlan://200', 0, 'User', '2026-03-25 12:00:00', NULL),
  (503, 'nc000000-0000-4000-8000-000000000503', 88, '02:00:3a:00:00:58', '10.0.0.88', '255.255.255.0', '10.0.0.1',
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserved', 'Start', 'ExternalGuestNetworkGuru', 'r-88', 0,
   '2026-03-31 06:21:00', 'vlan://100', 1, 'User', '2026-03-25 12:00:00', NULL),
  (504, 'nc000000-0000-4000-8000-000000000504', 89, '02:00:3a:00:00:59', '10.0.0.89', '255.255.255.0', '10.0.0.1',
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserved', 'Start', 'ExternalGuestNetworkGuru', 'r-89', 0,
   '2026-03-31 06:21:00', 'vlan://100', 1, 'User', '2026-03-25 12:00:00', NULL),
  (505, 'nc000000-0000-4000-8000-000000000505', 95, '02:00:3a:00:00:5f', '10.0.0.95', '255.255.255.0', '10.0.0.1',
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserving', 'Start', 'ExternalGuestNetworkGuru', 'r-95', 0,
   '2026-03-31 06:25:50', 'vlan://100', 1, 'User', '2026-03-25 12:00:00', NULL),
  (506, 'nc000000-0000-4000-8000-000000000506', 96, '1e:00:a1:00:00:60', '10.2.0.96', '255.255.255.0', '10.2.0.1',
   'Ip4', 'vlan://200', 201, 'Dhcp', 'Allocated', 'Create', 'DirectNetworkGuru', NULL, 0,
   '2026-03-31 06:25:55', 'vlan://200', 1, 'User', '2026-03-25 12:00:00', NULL),
  (507, 'nc000000-0000-4000-8000-000000000507', 87, '02:00:3a:00:01:57', NULL, NULL, NULL,
   NULL, NULL, 200, 'Dhcp', 'Allocated', 'Start', NULL, NULL, 2,
   '2026-03-30 06:21:00', NULL, 0, 'User', '2026-03-25 12:00:00', '2026-03-30 06:21:00'),
  (508, 'nc000000-0000-4000-8000-000000000508', 78, '02:00:3a:00:00:01', '10.0.0.1', '255.255.255.0', NULL,
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserved', 'Start', 'ExternalGuestNetworkGuru', 'r-78', 0,
   '2026-03-31 06:19:55', 'vlan://100', 1, 'DomainRouter', '2026-03-20 08:00:00', NULL),
  (509, 'nc000000-0000-4000-8000-000000000509', 78, '0e:00:a9:fe:00:4e', '169.254.0.78', '255.255.0.0',
   '169.254.0.1', 'Ip4', NULL, 202, 'Static', 'Reserved', 'Start', 'ControlNetworkGuru', 'r-78', 1,
   '2026-03-31 06:19:55', NULL, 0, 'DomainRouter', '2026-03-20 08:00:00', NULL),
  (510, 'nc000000-0000-4000-8000-000000000510', 92, '02:00:3a:00:00:5c', '10.0.0.92', '255.255.255.0', '10.0.0.1',
   'Ip4', 'vlan://100', 200, 'Dhcp', 'Reserved', 'Start', 'ExternalGuestNetworkGuru', 'r-92', 0,
   '2026-03-28 10:00:00', 'vlan://100', 1, 'User', '2026-03-25 12:00:00', NULL);

INSERT INTO `vm_network_map` (id, vm_id, network_id) VALUES
  (1, 87, 200), (2, 87, 201), (3, 88, 200), (4, 89, 200), (5, 95, 200), (6, 96, 201), (7, 92, 200), (8, 78, 200);

-- created_at / updated_at are epoch seconds (ItWorkDaoImpl, InaccurateClock)
INSERT INTO `op_it_work` (id, mgmt_server_id, created_at, thread, type, vm_type, step, updated_at, instance_id,
                          resource_type, resource_id) VALUES
  ('it000000-0000-4000-8000-000000000087', 248902281439561, UNIX_TIMESTAMP('2026-03-31 06:21:50'), 'Job-Executor-7',
   'Running', 'User', 'Started', UNIX_TIMESTAMP('2026-03-31 06:21:56'), 87, NULL, NULL),
  ('it000000-0000-4000-8000-000000000187', 248902281439561, UNIX_TIMESTAMP('2026-03-31 06:20:50'), 'Job-Executor-6',
   'Migrating', 'User', 'Prepare', UNIX_TIMESTAMP('2026-03-31 06:20:56'), 87, NULL, NULL),
  ('it000000-0000-4000-8000-000000000095', 248902281439561, UNIX_TIMESTAMP('2026-03-31 06:25:50'), 'Job-Executor-8',
   'Starting', 'User', 'Starting', UNIX_TIMESTAMP('2026-03-31 06:25:50'), 95, NULL, NULL),
  ('it000000-0000-4000-8000-000000000078', 248902281439561, UNIX_TIMESTAMP('2026-03-31 06:19:50'), 'Job-Executor-2',
   'Running', 'DomainRouter', 'Started', UNIX_TIMESTAMP('2026-03-31 06:19:55'), 78, NULL, NULL),
  ('it000000-0000-4000-8000-000000000092', 248902281439561, UNIX_TIMESTAMP('2026-03-28 09:59:50'), 'Job-Executor-1',
   'Running', 'User', 'Started', UNIX_TIMESTAMP('2026-03-28 10:00:00'), 92, NULL, NULL);

INSERT INTO `usage_event` (id, type, account_id, created, zone_id, resource_id, resource_name, offering_id,
                           template_id, size, resource_type, processed, virtual_size) VALUES
  (1000, 'VM.START', 2, '2026-03-31 06:21:56', 1, 87, 'vm87', 1, 2, NULL, 'KVM', 1, NULL);
