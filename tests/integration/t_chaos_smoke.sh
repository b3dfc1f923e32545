#!/bin/bash
# t_chaos_smoke.sh -- a bounded CI run of the chaos suite (tests/chaos).
#
# Seed 465, 8 steps (about 2 minutes here): a BMC that lies, a
# management server dying with an HA claim, an NFS restart and an NFS
# stall, a power-off, a backup that leaves VMs paused (with libvirtd per
# host), a hung host rebooted and a hung BMC, with healing in between and
# every invariant checked after every step (docs/chaos.md).  Without
# real QEMU (CHAOS_QEMU=0): the QEMU host's setup (a TCG guest with a
# 1 GiB disk) and the backup_throttled fault are make chaos's, and with
# them this seed's plan would differ.  The suite's closing line must
# read "N passed, 0 failed", and the run must follow the seed's plan.
# (Without libvirtd or root the backup fault is replaced and the plan
# differs; the test still compares the run with its own plan.)
#
# That the checks can fail is shown by CHAOS_SABOTAGE (docs/chaos.md,
# "Checking the checker"); CHAOS_SMOKE_SABOTAGE=MODE runs this test with
# one, and then it must fail.
source "$(dirname "$0")/../lib/common.sh"
SEED=465
STEPS=8
export CHAOS_QEMU=0
plan=$("$TOP/tests/chaos/run.sh" --plan --seed "$SEED" --steps "$STEPS") || fail "plan failed"
set +e
CHAOS_SABOTAGE=${CHAOS_SMOKE_SABOTAGE:-} T=$T/run \
	"$TOP/tests/chaos/run.sh" --seed "$SEED" --steps "$STEPS" >"$T/chaos.out" 2>&1
rc=$?
set -e
[ "$rc" -eq 77 ] && { grep -m1 '^SKIP' "$T/chaos.out"; exit 77; }
last=$(tail -1 "$T/chaos.out")
if [ "$rc" -ne 0 ] || [[ ! $last =~ ^[0-9]+\ passed,\ 0\ failed$ ]]; then
	grep -v '^  [a-z_]* *[0-9]*$' "$T/chaos.out" | tail -60 >&2
	fail "chaos run (seed $SEED): exit $rc, \"$last\""
fi
grep -q "^chaos: seed $SEED, $STEPS steps" "$T/chaos.out" || fail "seed not printed at the start"
grep -q "^seed $SEED " "$T/chaos.out" || fail "seed not printed at the end"
# the run's fault sequence is the plan's
faults() { grep '^step ' | grep -o 'fault=[a-z_]*\( host=[0-9]*\)\?'; }
expect_eq "fault sequence" "$(faults <<<"$plan")" "$(faults <"$T/chaos.out")"
n=${last%% passed*}
[ "$n" -ge $(( (STEPS + 1) * 8 )) ] || fail "too few checks: $last"
grep -qE '^  backup_throttled +([0-9]+|not yet)' "$T/chaos.out" || fail "summary lacks the backup_throttled fault"
pass "chaos smoke (seed $SEED, $STEPS steps): $last"
