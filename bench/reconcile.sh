#!/bin/bash
# bench/reconcile.sh -- reconcile one fenced host holding N VMs (default
# 1000, 80% HA-enabled) against a real MariaDB; print wall time and the
# number of SQL statements, measured by hawatch itself around the plan and
# the transaction (process start and connect excluded).  Repeats RUNS times
# (default 5) on fresh data and reports min / median / max.
# Target: a constant statement count whatever N, and <= 100 ms at 1000.
# Not a test: it asserts nothing about time.
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
N=${N:-1000}
RUNS=${RUNS:-5}
seed_db
hw maintenance on --host 1 && hw maintenance off --host 1   # create hawatch's schema

load_host7() {
	sql "DELETE FROM op_ha_work WHERE instance_id >= 100000;
	     DELETE FROM vm_instance WHERE id >= 100000;
	     INSERT INTO vm_instance (id, name, uuid, instance_name, state, vm_template_id, guest_os_id,
	       data_center_id, host_id, last_host_id, vnc_password, ha_enabled, update_count, created, type,
	       vm_type, account_id, domain_id, service_offering_id, power_state, power_host)
	     SELECT 100000 + seq, CONCAT('b', seq), UUID(), CONCAT('i-2-', 100000 + seq, '-VM'), 'Running', 2,
	       100, 1, 7, 7, 'x', IF(seq % 5 = 0, 0, 1), 3, UTC_TIMESTAMP(), 'User', 'User', 2, 1, 1,
	       'PowerOn', 7
	     FROM seq_1_to_$N"
}
ms=() stmts=()
for i in $(seq 1 "$RUNS"); do
	load_host7
	hw reconcile --host 7 --confirm-fenced --json
	[ "$RC" = 0 ] || fail "reconcile failed: $(cat "$T/err")"
	ms+=("$(grep -o '"elapsed_ms":[0-9.]*' "$T/out" | cut -d: -f2)")
	stmts+=("$(grep -o '"statements":[0-9]*' "$T/out" | cut -d: -f2)")
	[ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id > 100000 AND state = 'Stopped'")" = "$N" ] \
		|| fail "not every VM was reconciled"
done
sorted=$(printf '%s\n' "${ms[@]}" | sort -n)
printf 'reconcile %d VMs on one host (%d runs): min %s ms, median %s ms, max %s ms, statements %s\n' \
	"$N" "$RUNS" "$(head -1 <<<"$sorted")" "$(sed -n "$(( (RUNS + 1) / 2 ))p" <<<"$sorted")" \
	"$(tail -1 <<<"$sorted")" "$(printf '%s\n' "${stmts[@]}" | sort -u | tr '\n' ' ')"
