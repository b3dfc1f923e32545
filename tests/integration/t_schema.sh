#!/bin/bash
# t_schema.sh -- the test database itself: CloudStack's tables load into a real MariaDB 10.11
# with foreign keys enforced, the #12922 seed loads on top and shows the bug's state, the
# management-server liveness query separates live from dead, foreign keys really refuse
# orphans, and the fixture stops cleanly (the datadir goes with $T when the test passes).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/mariadb.sh"

command -v mariadbd >/dev/null || skip "mariadbd not installed"

t0=$(date +%s%N)
mariadb_start
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# typically ~0.6 s here; printed, not asserted (timings belong to make bench)
pass "mariadb_start in ${ms} ms on port $DB_PORT"

expect_eq "cloud.pass mode" 600 "$(stat -c %a "$DB_PASS_FILE")"

mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
expect_eq "FK checks on" 1 "$(sql 'SELECT @@foreign_key_checks')"
expect_eq "tables" "$(grep -ci '^CREATE TABLE' "$TOP/tests/sql/cloudstack-schema.sql")" \
	"$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='cloud'")"
expect_eq "vm_instance.power_state default" "'PowerUnknown'" \
	"$(sql "SELECT column_default FROM information_schema.columns WHERE table_schema='cloud' AND table_name='vm_instance' AND column_name='power_state'")"
expect_eq "vm_instance dropped columns" 0 \
	"$(sql "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema='cloud' AND table_name='vm_instance' AND column_name IN ('cpu','ram','speed','disk_offering_id')")"
expect_eq "op_ha_work.reason" "varchar(32)" \
	"$(sql "SELECT column_type FROM information_schema.columns WHERE table_schema='cloud' AND table_name='op_ha_work' AND column_name='reason'")"
expect_eq "op_ha_work -> mshost(msid) FK" "mshost msid" \
	"$(sql "SELECT referenced_table_name, referenced_column_name FROM information_schema.key_column_usage WHERE table_schema='cloud' AND table_name='op_ha_work' AND column_name='mgmt_server_id' AND referenced_table_name IS NOT NULL" | tr '\t' ' ')"
pass "schema loaded with FOREIGN_KEY_CHECKS=1"

mariadb_load "$TOP/tests/sql/seed-12922.sql"
expect_eq "hosts" 7 "$(sql 'SELECT COUNT(*) FROM host WHERE removed IS NULL')"
expect_eq "host 6" "Down Maintenance 10.1.1.6" \
	"$(sql 'SELECT status, resource_state, private_ip_address FROM host WHERE id=6' | tr '\t' ' ')"
expect_eq "ha_config host 6" "1 Fenced kvmhaprovider" \
	"$(sql "SELECT enabled, ha_state, provider FROM ha_config WHERE resource_type='Host' AND resource_id=6" | tr '\t' ' ')"

# the bug: Running on the fenced host, and every such VM's latest HA row is Done/HostDown
stuck=$(sql "SELECT v.id FROM vm_instance v JOIN op_ha_work w ON w.instance_id = v.id
	WHERE v.host_id = 6 AND v.state = 'Running' AND v.power_state = 'PowerOn' AND v.power_host = 6
	  AND w.type = 'HA' AND w.step = 'Done' AND w.reason = 'HostDown' AND w.host_id = 6
	  AND w.updated = v.update_count ORDER BY v.id" | tr '\n' ' ')
expect_eq "Running on host 6 with Done HA rows" "78 80 84 87 88 " "$stuck"
expect_eq "vm types" "78 DomainRouter r-78-VM|80 ConsoleProxy v-80-VM|84 SecondaryStorageVm s-84-VM|87 User i-2-87-VM|88 User i-2-88-VM|" \
	"$(sql 'SELECT id, type, instance_name FROM vm_instance WHERE id IN (78,80,84,87,88) ORDER BY id' | tr '\t' ' ' | tr '\n' '|')"
expect_eq "no live HA work for host 6" 0 \
	"$(sql "SELECT COUNT(*) FROM op_ha_work WHERE host_id = 6 AND step NOT IN ('Done','Cancelled','Error')")"
expect_eq "extras on host 6" "89 Running 0|90 Migrating 1|91 Stopped 1|" \
	"$(sql 'SELECT id, state, ha_enabled FROM vm_instance WHERE (host_id = 6 OR last_host_id = 6) AND id > 88 ORDER BY id' | tr '\t' ' ' | tr '\n' '|')"
expect_eq "VM 91 stopped off host" "NULL 6" "$(sql 'SELECT IFNULL(host_id, "NULL"), last_host_id FROM vm_instance WHERE id = 91' | tr '\t' ' ')"
expect_eq "NFS pool" "NetworkFilesystem 10.1.1.250 /export/primary Up CLUSTER 1" \
	"$(sql 'SELECT pool_type, host_address, path, status, scope, cluster_id FROM storage_pool WHERE id=1' | tr '\t' ' ')"
expect_eq "oobm rows" 7 "$(sql "SELECT COUNT(*) FROM oobm WHERE driver='ipmitool' AND port='623' AND password LIKE 'ENC(%)'")"
expect_eq "root volumes on pool" 11 "$(sql "SELECT COUNT(*) FROM volumes WHERE pool_id=1 AND volume_type='ROOT'")"
pass "seed-12922 loaded: host 6 Fenced, 5 VMs Running on it with Done HostDown HA rows"

live="removed IS NULL AND last_update > UTC_TIMESTAMP() - INTERVAL 150 SECOND"
expect_eq "live MS" "1111 248902281439561 " "$(sql "SELECT msid FROM mshost WHERE $live ORDER BY msid" | tr '\n' ' ')"
expect_eq "dead MS" "2222 " "$(sql "SELECT msid FROM mshost WHERE NOT ($live) ORDER BY msid" | tr '\n' ' ')"
pass "mshost liveness query: 1111 and the seed's MS live, 2222 dead"

# foreign keys are enforced: orphans are refused with 1452, the valid twin is accepted
ins="INSERT INTO op_ha_work (instance_id, type, vm_type, state, host_id, created, tried, step, time_to_try, updated, reason)
	VALUES (%s, 'HA', 'User', 'Running', %s, UTC_TIMESTAMP(), 0, 'Scheduled', 0, 7, 'HostDown')"
# shellcheck disable=SC2059
if out=$(sql "$(printf "$ins" 999999 6)" 2>&1); then fail "op_ha_work row for missing VM 999999 accepted"; fi
grep -q 'ERROR 1452' <<<"$out" || fail "missing VM: expected ERROR 1452, got: $out"
# shellcheck disable=SC2059
if out=$(sql "$(printf "$ins" 87 4242)" 2>&1); then fail "op_ha_work row for missing host 4242 accepted"; fi
grep -q 'ERROR 1452' <<<"$out" || fail "missing host: expected ERROR 1452, got: $out"
if out=$(sql "UPDATE op_ha_work SET mgmt_server_id = 3333 WHERE id = 85" 2>&1); then
	fail "op_ha_work claimed by unknown msid 3333 accepted"
fi
if out=$(sql "UPDATE vm_instance SET power_host = 77 WHERE id = 87" 2>&1); then
	fail "vm_instance.power_host 77 (no such host) accepted"
fi
# shellcheck disable=SC2059
sql "$(printf "$ins" 87 6)" || fail "valid op_ha_work row refused"
expect_eq "HA rows for 87" 2 "$(sql 'SELECT COUNT(*) FROM op_ha_work WHERE instance_id = 87')"
pass "foreign keys enforced (op_ha_work -> vm_instance/host/mshost, vm_instance -> host)"

# the cloud user over TCP with the password file, as hawatch will connect
conf=$T/hawatch.conf
hawatch_conf_db "$conf"
expect_eq "conf mode" 600 "$(stat -c %a "$conf")"
grep -q "port = $DB_PORT;" "$conf" || fail "conf lacks port"
got=$(mariadb --no-defaults -h127.0.0.1 -P"$DB_PORT" -ucloud -p"$(cat "$DB_PASS_FILE")" -N -B cloud \
	-e "SELECT COUNT(*) FROM vm_instance; CREATE DATABASE IF NOT EXISTS hawatch; CREATE TABLE hawatch.t (i int); ALTER TABLE hawatch.t ADD j int; DROP DATABASE hawatch;" 2>&1) \
	|| fail "cloud user over TCP: $got"
expect_eq "cloud user sees VMs" 11 "$got"
pass "user cloud over TCP 127.0.0.1:$DB_PORT (cloud.*, hawatch.*)"

# restart keeps data and port; kill -9 recovers; SIGSTOP/SIGCONT
old=$DB_PID
mariadb_restart
[ "$DB_PID" != "$old" ] || fail "restart kept the same pid"
expect_eq "rows after restart" 11 "$(sql 'SELECT COUNT(*) FROM vm_instance')"
mariadb_kill9
running "$old" && fail "old pid $old still running"
mariadb_restart
expect_eq "HA rows after kill -9" 6 "$(sql 'SELECT COUNT(*) FROM op_ha_work')"
mariadb_sigstop
if timeout 3 mariadb --no-defaults -h127.0.0.1 -P"$DB_PORT" -ucloud -p"$(cat "$DB_PASS_FILE")" \
	--connect-timeout=1 -e 'SELECT 1' >/dev/null 2>&1; then
	fail "query answered by a SIGSTOPped server"
fi
mariadb_sigcont
wait_for 5 _mariadb_ping || fail "server did not come back after SIGCONT"
pass "restart, kill -9 recovery, SIGSTOP/SIGCONT"

t0=$(date +%s%N)
mariadb_stop
running "$DB_PID" && fail "mariadbd $DB_PID still running after mariadb_stop"
pass "mariadb_stop in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
grep -q 'Shutdown complete' "$DB_DIR/error.log" || fail "no clean shutdown in error.log"

# the datadir must not outlive the test: common.sh's trap removes $T on success; check after it
trap 't_cleanup; if [ -e "$DB_DIR" ]; then echo "FAIL: $DB_DIR left behind" >&2; exit 1; fi' EXIT
exit 0
