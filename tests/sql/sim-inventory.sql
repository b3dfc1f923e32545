-- sim-inventory.sql -- the simulated cluster's CloudStack inventory.
--
-- Load after cloudstack-schema.sql, with the session variables set:
--   @nhosts  number of KVM hosts (ids 1..@nhosts, private IP 10.9.0.<id>)
--   @nvms    VMs per host (ids 1000*host + n, every 5th without HA)
--   @nclusters (optional, default 1) clusters 1..@nclusters, the hosts in
--            equal consecutive runs (host h in cluster
--            1 + (h - 1) DIV CEIL(@nhosts / @nclusters)), each cluster
--            with its own primary pool (id = cluster id, path /export for
--            cluster 1, /export<K> for cluster K: the exports of
--            GANESHA_EXPORTS) attached to its hosts (storage_pool_host_ref)
-- One zone/pod, per cluster one NFS primary pool (cluster scope: the
-- tests override its address with hawatch's pools config to point at the
-- ganesha they start), a live management server (msid 1111), Host-HA rows
-- Available, and oobm rows whose address/port the fixture fills in once the
-- simulated BMCs have their ports.
SET time_zone = '+00:00';
SET FOREIGN_KEY_CHECKS = 1;
SET @nclusters = IFNULL(@nclusters, 1);
SET @per_cluster = CEIL(@nhosts / @nclusters);

INSERT INTO `domain` (id, parent, name, uuid, owner, path, level, state) VALUES
  (1, NULL, 'ROOT', 'd0000000-0000-4000-8000-000000000001', 2, '/', 0, 'Active');
INSERT INTO `account` (id, account_name, uuid, type, role_id, domain_id, state, created) VALUES
  (1, 'system', 'ac000000-0000-4000-8000-000000000001', 1, 1, 1, 'enabled', UTC_TIMESTAMP()),
  (2, 'admin',  'ac000000-0000-4000-8000-000000000002', 1, 1, 1, 'enabled', UTC_TIMESTAMP());
INSERT INTO `data_center` (id, name, uuid, dns1, internal_dns1, networktype, allocation_state, created, type) VALUES
  (1, 'simzone', 'dc000000-0000-4000-8000-000000000001', '10.9.0.253', '10.9.0.253', 'Advanced', 'Enabled',
   UTC_TIMESTAMP(), 'Core');
INSERT INTO `host_pod_ref` (id, name, uuid, data_center_id, gateway, cidr_address, cidr_size, allocation_state) VALUES
  (1, 'simpod', 'bd000000-0000-4000-8000-000000000001', 1, '10.9.0.254', '10.9.0.0', 16, 'Enabled');
INSERT INTO `cluster` (id, name, uuid, guid, pod_id, data_center_id, hypervisor_type, cluster_type,
                       allocation_state, managed_state, created, arch)
SELECT seq, IF(seq = 1, 'simcluster', CONCAT('simcluster', seq)),
       CONCAT('c1000000-0000-4000-8000-', LPAD(seq, 12, '0')), NULL, 1, 1, 'KVM', 'CloudManaged',
       'Enabled', 'Managed', UTC_TIMESTAMP(), 'x86_64'
  FROM seq_1_to_1000 WHERE seq <= @nclusters;
INSERT INTO `mshost` (id, msid, runid, name, uuid, state, version, service_ip, service_port, last_update,
                      removed, alert_count) VALUES
  (1, 1111, 1, 'ms-sim', 'e5000000-0000-4000-8000-000000000001', 'Up', '4.22.0.0', '127.0.0.1', 9090,
   UTC_TIMESTAMP(), NULL, 0);
INSERT INTO `vm_template` (id, unique_name, name, uuid, public, featured, type, hvm, bits, url, format, created,
                           account_id, display_text, enable_password, guest_os_id, hypervisor_type, state) VALUES
  (2, 'sim-linux', 'Sim Linux', '7e000000-0000-4000-8000-000000000002', 1, 1, 'USER', 1, 64,
   'http://example.invalid/sim.qcow2', 'QCOW2', UTC_TIMESTAMP(), 2, 'Sim Linux', 0, 100, 'KVM', 'Active');
INSERT INTO `service_offering` (id, name, uuid, display_text, cpu, speed, ram_size, ha_enabled, default_use, vm_type,
                                system_use, state, created) VALUES
  (1, 'Small HA', '50000000-0000-4000-8000-000000000001', 'Small HA', 1, 1000, 256, 1, 0, NULL, 0, 'Active',
   UTC_TIMESTAMP());

INSERT INTO `host` (id, name, uuid, status, type, private_ip_address, private_netmask, private_mac_address,
                    cluster_id, data_center_id, pod_id, cpus, speed, hypervisor_type, ram, resource, version,
                    guid, available, setup, dom0_memory, last_ping, mgmt_server_id, created, update_count,
                    resource_state, arch)
SELECT seq, CONCAT('sim', LPAD(seq, 2, '0')), CONCAT('a1000000-0000-4000-8000-', LPAD(seq, 12, '0')), 'Up',
       'Routing', CONCAT('10.9.', seq DIV 250, '.', seq MOD 250 + 1), '255.255.0.0',
       CONCAT('52:54:00:09:', LPAD(HEX(seq DIV 256), 2, '0'), ':', LPAD(HEX(seq MOD 256), 2, '0')),
       1 + (seq - 1) DIV @per_cluster, 1, 1, 8, 2400, 'KVM', 34359738368, 'com.cloud.hypervisor.kvm.resource.LibvirtComputingResource',
       '4.22.0.0', CONCAT('a1000000-0000-4000-8000-', LPAD(seq, 12, '0'), '-LibvirtComputingResource'), 1, 0, 0,
       FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, 1111, UTC_TIMESTAMP(), 2, 'Enabled', 'x86_64'
  FROM seq_1_to_10000 WHERE seq <= @nhosts;

INSERT INTO `ha_config` (resource_id, resource_type, enabled, ha_state, provider, update_count, update_time)
SELECT id, 'Host', 1, 'Available', 'kvmhaprovider', 1, UTC_TIMESTAMP() FROM `host`;

-- no username/password in the rows: the simulated BMCs' credentials come from
-- hawatch.conf's bmc group (bmc.use_oobm takes a row's credentials first)
INSERT INTO `oobm` (host_id, enabled, power_state, driver, address, port, username, password, update_count)
SELECT id, 1, 'On', 'ipmitool', NULL, NULL, NULL, NULL, 0 FROM `host`;

INSERT INTO `storage_pool` (id, name, uuid, pool_type, port, data_center_id, pod_id, cluster_id, used_bytes,
                            capacity_bytes, host_address, path, created, update_time, status,
                            storage_provider_name, scope, hypervisor, managed, parent)
SELECT seq, IF(seq = 1, 'sim-nfs', CONCAT('sim-nfs', seq)), CONCAT('5f000000-0000-4000-8000-', LPAD(seq, 12, '0')),
       'NetworkFilesystem', 2049, 1, 1, seq, 0, 1099511627776, '127.0.0.1',
       IF(seq = 1, '/export', CONCAT('/export', seq)), UTC_TIMESTAMP(), UTC_TIMESTAMP(), 'Up', 'DefaultPrimary',
       'CLUSTER', 'KVM', 0, 0
  FROM seq_1_to_1000 WHERE seq <= @nclusters;
INSERT INTO `storage_pool_host_ref` (host_id, pool_id, created, local_path)
SELECT h.id, h.cluster_id, UTC_TIMESTAMP(), CONCAT('/mnt/', p.uuid)
  FROM `host` h JOIN `storage_pool` p ON p.id = h.cluster_id;

INSERT INTO `vm_instance` (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, pod_id,
                           data_center_id, host_id, last_host_id, vnc_password, ha_enabled, update_count,
                           update_time, created, type, vm_type, account_id, domain_id, service_offering_id,
                           hypervisor_type, power_state, power_state_update_time, power_host, user_id)
SELECT h.id * 1000 + s.seq, CONCAT('vm', h.id * 1000 + s.seq), UUID(), CONCAT('i-2-', h.id * 1000 + s.seq, '-VM'),
       'Running', 2, 100, 1, 1, h.id, h.id, 'simvnc', IF(s.seq MOD 5 = 0, 0, 1), 3, UTC_TIMESTAMP(),
       UTC_TIMESTAMP(), 'User', 'User', 2, 1, 1, 'KVM', 'PowerOn', UTC_TIMESTAMP(), h.id, 2
  FROM `host` h JOIN seq_1_to_1000 s ON s.seq <= @nvms;
