#!/bin/bash
# t_doctor.sh -- `hawatch doctor` against real components: MariaDB (the
# #12922 seed), a heartbeat pool in a local directory written by a simulated
# host, and two ipmi_sim BMCs (tests/lib/ipmisim.sh).
#
# Host 1's heartbeat writer (its simulated host h1) writes
# $T/pool/KVMHA/hb-10.1.1.1; the config overrides storage pool 1 with that
# directory.  Host 1's oobm row points at h1's BMC; the other hosts have
# none (warnings only).  libvirt URIs point at sockets that do not exist
# (warnings only).
#
# Proves: an NFS backup repository mounted 'rw' is a FAIL with the fix
# text and the risk, 'soft,timeo=150' is ok; a wrong BMC password is a FAIL
# saying "password invalid"; with those fixed, exit 0; a database user
# without UPDATE on vm_instance is a FAIL naming the privilege, the table
# and the GRANT; a BMC that reads OFF while the host's heartbeat is fresh
# is a FAIL "BMC mapped to the wrong host?"; two hosts with one private IP
# are a FAIL each, naming the twin (issue 11); an unreadable pool is a
# FAIL; a config that does not load exits 1.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
. "$TOP/tests/lib/ipmisim.sh"
ipmisim_require
[ -x "$HAWATCH" ] || fail "$HAWATCH missing: run make"

seed_db
mkdir -p "$T/pool/KVMHA"
ipmisim_start_host h1 "$T/pool/KVMHA/hb-10.1.1.1" 1000 >/dev/null
ipmisim_start_host h2 "" 1000 >/dev/null
P1=$(ipmisim_port h1)
sql "UPDATE oobm SET enabled = 0 WHERE host_id <> 1;
     UPDATE oobm SET address = '127.0.0.1', port = '$P1', username = NULL, password = NULL WHERE host_id = 1"
sql "INSERT INTO backup_repository (id, uuid, name, zone_id, provider, type,
     address, mount_opts, created) VALUES (1, 'b0000000-0000-4000-8000-000000000001',
     'nas1', 1, 'nas', 'nfs', '10.1.3.5:/backups', 'rw', UTC_TIMESTAMP())"
(umask 077; echo wrongpass > "$T/wrong.pass")

conf() {	# FILE BMC_PASS_FILE [extra bmc lines]
	cp "$T/hawatch.conf" "$1"
	chmod 600 "$1"
	cat >> "$1" <<EOF
pools = ( { id = 1; path = "$T/pool"; } );
bmc = {
  user = "admin";
  password_file = "$2";
  workarounds = "opensesspriv";
  session_timeout = "990ms";
  retransmission_timeout = "250ms";
  ${3:-}
};
sweep = {
  uri_template = "test+unix:///default?socket=$T/nolv/{ip}/sock";
  open_timeout = "1s";
  call_timeout = "1s";
};
EOF
}
conf "$T/bad.conf" "$T/wrong.pass"
conf "$T/good.conf" "$(ipmisim_pass_file h1)"
wait_for 5 test -s "$T/pool/KVMHA/hb-10.1.1.1" || fail "h1 writes no heartbeat"

line() { grep -E "^$1 +$2 " "$T/out" || true; }

# --- bad: backup mount and BMC password -----------------------------------------
HWCONF=$T/bad.conf hw doctor
expect_rc 1 "FAILs"
l=$(line FAIL backup.mount)
[ -n "$l" ] || fail "no backup.mount FAIL: $(cat "$T/out")"
grep -q "repository 1 (nas1, 10.1.3.5:/backups): mount_opts 'rw' lack soft and a timeo= bound" <<<"$l" ||
	fail "backup.mount detail: $l"
grep -q "hangs the agent's backup script" <<<"$l" || fail "risk missing: $l"
grep -q "(fix: set the repository's mount options to 'rw,soft,timeo=150,retrans=3')" <<<"$l" ||
	fail "fix missing: $l"
l=$(line FAIL bmc)
grep -q "host 1 (kvm01) BMC 127.0.0.1:$P1: password invalid" <<<"$l" || fail "bmc FAIL: $(cat "$T/out")"
grep -q "(fix: set bmc.password_file" <<<"$l" || fail "bmc fix: $l"
! grep -q wrongpass "$T/out" "$T/err" || fail "password leaked"
line ok db.privileges | grep -q "has every grant" || fail "privileges: $(cat "$T/out")"
line ok pool | grep -q "pool 1 ($T/pool): readable" || fail "pool: $(cat "$T/out")"
line warn libvirt | grep -q "host 1 (kvm01)" || fail "libvirt warn: $(cat "$T/out")"
grep -q "^2 FAIL" "$T/out" || fail "count: $(tail -1 "$T/out")"
pass "rw NFS mount: FAIL with fix and risk; wrong BMC password: FAIL 'password invalid'; exit 1"

# --- good -------------------------------------------------------------------
sql "UPDATE backup_repository SET mount_opts = 'soft,timeo=150' WHERE id = 1"
HWCONF=$T/good.conf hw doctor
expect_rc 0 "all good (warnings only)"
line ok backup.mount | grep -q "mount_opts 'soft,timeo=150' are soft with a timeo= bound" ||
	fail "backup ok: $(cat "$T/out")"
line ok bmc | grep -q "host 1 (kvm01) BMC 127.0.0.1:$P1: power on" || fail "bmc ok: $(cat "$T/out")"
line ok config | grep -q "good.conf loads" || fail "config line: $(cat "$T/out")"
line ok host.ip | grep -q "each with its own private IP" || fail "host.ip ok: $(cat "$T/out")"
grep -q "^0 FAIL" "$T/out" || fail "count: $(tail -1 "$T/out")"
pass "soft,timeo mount ok, BMC answers 'on', heartbeat pool readable: exit 0"

# --- two hosts with one private IP (one heartbeat file) ---------------------------
ip2=$(sql "SELECT private_ip_address FROM host WHERE id = 2")
sql "UPDATE host SET private_ip_address = '10.1.1.1' WHERE id = 2"
HWCONF=$T/good.conf hw doctor
expect_rc 1 "duplicate IP"
l=$(line FAIL host.ip)
expect_eq "two host.ip FAILs" 2 "$(grep -c . <<<"$l")"
grep -q "host 1 (kvm01): private IP 10.1.1.1 is also host 2's: they share one heartbeat file, so hawatch holds them and fences neither" <<<"$l" ||
	fail "host.ip detail: $l"
grep -q "host 2 (kvm02): private IP 10.1.1.1 is also host 1's" <<<"$l" || fail "twin: $l"
grep -q "(fix: give each host its own private_ip_address" <<<"$l" || fail "fix: $l"
sql "UPDATE host SET private_ip_address = '$ip2' WHERE id = 2"
pass "hosts 1 and 2 with one private IP: a FAIL each naming the twin"

# --- a database user without UPDATE on vm_instance -------------------------------
pw=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
(umask 077; printf '%s' "$pw" > "$T/narrow.pass")
sql "CREATE USER 'narrow'@'127.0.0.1' IDENTIFIED BY '$pw';
     GRANT SELECT ON cloud.* TO 'narrow'@'127.0.0.1';
     GRANT INSERT, UPDATE ON cloud.op_ha_work TO 'narrow'@'127.0.0.1';
     GRANT ALL ON hawatch.* TO 'narrow'@'127.0.0.1'"
sed -e 's/user = "cloud";/user = "narrow";/' \
    -e "s|password_file = \"$DB_PASS_FILE\";|password_file = \"$T/narrow.pass\";|" \
    "$T/good.conf" > "$T/narrow.conf"
chmod 600 "$T/narrow.conf"
HWCONF=$T/narrow.conf hw doctor
expect_rc 1 "missing privilege"
l=$(line FAIL db.privileges)
expect_eq "one privileges FAIL" 1 "$(grep -c . <<<"$l")"
grep -qF 'narrow@127.0.0.1 lacks UPDATE on `cloud`.`vm_instance`' <<<"$l" || fail "detail: $l"
grep -qF "(fix: GRANT UPDATE ON \`cloud\`.\`vm_instance\` TO 'narrow'@'127.0.0.1')" <<<"$l" ||
	fail "fix: $l"
pass "user without UPDATE on vm_instance: FAIL naming the privilege and the GRANT"

# --- BMC mapped to the wrong host (S2) -----------------------------------------
"$IPMISIM_CHASSIS" "$(ipmisim_hostdir h2)" set power 0
conf "$T/swap.conf" "$(ipmisim_pass_file h1)" "hosts = ( { host_id = 1; address = \"127.0.0.1\"; port = $(ipmisim_port h2); password_file = \"$(ipmisim_pass_file h2)\"; } );"
HWCONF=$T/swap.conf hw doctor
expect_rc 1 "wrong mapping"
l=$(line FAIL bmc.mapping)
grep -q "host 1 (kvm01): BMC 127.0.0.1:$(ipmisim_port h2) reads OFF but the host's heartbeat is [0-9]*s old (fresh): BMC mapped to the wrong host?" <<<"$l" ||
	fail "mapping: $(cat "$T/out")"
pass "BMC reading OFF while host 1's heartbeat advances: FAIL 'BMC mapped to the wrong host?'"

# --- an unreadable pool ------------------------------------------------------------
sed "s|path = \"$T/pool\";|path = \"$T/no-such-pool\";|" "$T/good.conf" > "$T/nopool.conf"
chmod 600 "$T/nopool.conf"
HWCONF=$T/nopool.conf hw doctor
expect_rc 1 "pool unreadable"
line FAIL pool | grep -q "pool 1 ($T/no-such-pool): unreadable" || fail "pool FAIL: $(cat "$T/out")"
pass "unreadable pool: FAIL"

# --- config that does not load -----------------------------------------------------
echo 'bogus_key = 1;' >> "$T/nopool.conf"
HWCONF=$T/nopool.conf hw doctor
expect_rc 1 "bad config"
grep -q "bogus_key" "$T/err" || fail "config error text: $(cat "$T/err")"
pass "config that does not load: exit 1 with the error"
