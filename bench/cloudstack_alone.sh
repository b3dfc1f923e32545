#!/bin/bash
# bench/cloudstack_alone.sh -- the anchor: the same power-off with no
# hawatch, only CloudStack's own detection and HA workers, emulated by
# build/itest/haworker (docs/haworker.md) with CloudStack's documented
# default timings: ping.interval 60 s x ping.timeout 2.5 before the agent
# manager investigates, time.to.sleep 60 s for idle HA workers,
# investigate.retry.interval 60 s.  The investigator is the non-Host-HA
# path (host alive iff its agent answers); with Host HA enabled CloudStack
# alone never restarts the VMs at all (#12922), which no number can show.
#
# Scaled time: every CloudStack timing is divided by SCALE (default 20) so a
# trial takes seconds; the measured time is multiplied back by SCALE and
# reported in real-time units.  Measured: power-off -> every HA-enabled VM
# of the host Running on another host.  TRIALS (default 3).
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
SCALE=${SCALE:-20}
TRIALS=${TRIALS:-3}
simcluster_start 4 5
sim_live_hosts
"$TOP/build/itest/haworker" --msid 1111 --db-host 127.0.0.1 --db-port "$DB_PORT" \
	--db-password-file "$DB_PASS_FILE" --investigator db --live-hosts-file "$T/live-hosts" \
	--agent-monitor --scale "$SCALE" --workers 5 >"$T/haworker.log" 2>&1 &
track $!
sleep 2
: >"$T/ms"
for i in $(seq 1 "$TRIALS"); do
	h=$(( i % 4 + 1 ))
	t0=$(date +%s%3N)
	ipmipower --config-file="$(ipmisim_hostdir "h$h")/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port "h$h")" --off >/dev/null
	sim_live_hosts
	moved() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id DIV 1000 = $h AND ha_enabled = 1
	                    AND state = 'Running' AND host_id <> $h")" = 4 ]; }
	wait_for $(( 600 / SCALE * 3 + 60 )) moved || fail "CloudStack alone never restarted host $h's VMs"
	echo $(( ($(date +%s%3N) - t0) * SCALE )) >>"$T/ms"
	# heal: host back on, VMs stay where CloudStack restarted them
	ipmisim_power_on "h$h" >/dev/null
	sim_live_hosts
	sleep 2
done
sorted=$(sort -n "$T/ms")
printf 'CloudStack alone, power-off -> restarted elsewhere (%d trials, timings scaled 1/%d, reported x%d): p50 %s ms, max %s ms\n' \
	"$TRIALS" "$SCALE" "$SCALE" "$(sed -n "$(( (TRIALS + 1) / 2 ))p" <<<"$sorted")" "$(tail -1 <<<"$sorted")"
