# lib.sh -- the chaos suite's cluster glue (sourced by tests/chaos/run.sh).
#
# Sourced after tests/lib/common.sh and tests/lib/simcluster.sh.  It adds
# to the simulated cluster what a randomized run needs and what the
# invariant checker (check.sh) reads afterwards:
#
#   $CH/events.log   one line per thing the suite did or saw, with the wall
#                    time first ("EPOCH kind key=value ..."): injections,
#                    heals, the suite's own power-offs (so the checker can
#                    tell them from hawatch's fences), disruptions and
#                    recoveries of the environment, processes killed
#   $CH/hb.log       "host mtime": every distinct heartbeat mtime the
#                    sampler saw (the heartbeat history of each host)
#   $CH/live         host ids that are powered on with a running heartbeat
#                    writer (the haworker's --live-hosts-file)
#   $CH/starts.log   "EPOCH instance host": every VM start, from the
#                    haworker's start hook (where each VM really runs)
#   cloud.chaos_vm_write, chaos_ha_write, chaos_leader_log: triggers record
#                    every UPDATE of vm_instance (who, when, from, to), every
#                    insert/update of op_ha_work, and every leadership
#                    record hawatch writes (created at setup only: the
#                    suite never edits CloudStack's rows once faults start)
#
# Everything runs on loopback, is tracked by PID (common.sh) and lives in
# $T.  Nothing here decides a fault: that is faults.sh, driven by the seed.

HAWORKER=${HAWORKER:-$TOP/build/itest/haworker}
CH=$T/chaos
EVENTS=$CH/events.log

ev() { echo "$EPOCHREALTIME $*" >>"$EVENTS"; }

# --- heartbeat sampler and live-hosts file ------------------------------

_proc_alive() {	# _proc_alive PID: running and not a zombie, without forking
	local _p _c st
	[ -n "$1" ] || return 1
	read -r _p _c st _ 2>/dev/null <"/proc/$1/stat" || return 1
	[ "$st" != Z ]
}

# the sampler: every ~200 ms, record new heartbeat mtimes and rewrite the
# live-hosts file when it changes.  The heartbeat writers write every
# SIM_HB_MS (500 ms), so each write is seen unless the sampler stalls.
_chaos_sampler() {
	local files=() i f h line live prev_live="" p pw
	local -A last host_of
	set +e
	for i in $(seq 1 "$SIM_N"); do
		f=$SIM_EXPORT/KVMHA/hb-$(sim_ip "$i")
		files+=("$f")
		host_of[$f]=$i
	done
	while :; do
		while read -r f line; do
			[ -n "$line" ] || continue
			h=${host_of[$f]}
			if [ "${last[$h]:-}" != "$line" ]; then
				last[$h]=$line
				echo "$h $line" >>"$CH/hb.log"
			fi
		done < <(stat -c '%n %.6Y' "${files[@]}" 2>/dev/null)
		live=""
		for i in $(seq 1 "$SIM_N"); do
			h=$(ipmisim_hostdir "h$i")
			read -r pw 2>/dev/null <"$h/power" || pw=0
			read -r p 2>/dev/null <"$h/writer.pid" || p=""
			[ "$pw" = 1 ] && _proc_alive "$p" && live+="$i"$'\n'
		done
		if [ "$live" != "$prev_live" ]; then
			printf '%s' "$live" >"$CH/live.tmp" && mv -f "$CH/live.tmp" "$CH/live"
			prev_live=$live
		fi
		sleep 0.2
	done
}

chaos_sampler_start() {
	: >"$CH/hb.log"
	: >"$CH/live"
	_chaos_sampler </dev/null >/dev/null 2>"$CH/sampler.err" &
	SAMPLER_PID=$!
	disown "$SAMPLER_PID"
	track "$SAMPLER_PID"
}

# --- observation tables (setup time only) -------------------------------

chaos_db_observers() {
	sql "CREATE TABLE chaos_vm_write (
	       id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
	       at decimal(17,6) NOT NULL, usr varchar(128) NOT NULL, conn bigint unsigned NOT NULL,
	       vm bigint unsigned NOT NULL, old_state varchar(32), new_state varchar(32),
	       old_host bigint unsigned, new_host bigint unsigned,
	       old_uc bigint unsigned, new_uc bigint unsigned) ENGINE=InnoDB;
	     CREATE TRIGGER chaos_vm_au AFTER UPDATE ON vm_instance FOR EACH ROW
	       INSERT INTO chaos_vm_write (at, usr, conn, vm, old_state, new_state, old_host,
	         new_host, old_uc, new_uc)
	       VALUES (UNIX_TIMESTAMP(SYSDATE(6)), USER(), CONNECTION_ID(), NEW.id, OLD.state,
	         NEW.state, OLD.host_id, NEW.host_id, OLD.update_count, NEW.update_count);
	     CREATE TABLE chaos_ha_write (
	       id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
	       at decimal(17,6) NOT NULL, usr varchar(128) NOT NULL, work bigint unsigned NOT NULL,
	       vm bigint unsigned NOT NULL, step varchar(32), host bigint unsigned,
	       msid bigint unsigned) ENGINE=InnoDB;
	     CREATE TRIGGER chaos_ha_ai AFTER INSERT ON op_ha_work FOR EACH ROW
	       INSERT INTO chaos_ha_write (at, usr, work, vm, step, host, msid)
	       VALUES (UNIX_TIMESTAMP(SYSDATE(6)), USER(), NEW.id, NEW.instance_id, NEW.step,
	         NEW.host_id, NEW.mgmt_server_id);
	     CREATE TRIGGER chaos_ha_au AFTER UPDATE ON op_ha_work FOR EACH ROW
	       INSERT INTO chaos_ha_write (at, usr, work, vm, step, host, msid)
	       VALUES (UNIX_TIMESTAMP(SYSDATE(6)), USER(), NEW.id, NEW.instance_id, NEW.step,
	         NEW.host_id, NEW.mgmt_server_id);
	     CREATE TABLE chaos_leader_log (
	       id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
	       at decimal(17,6) NOT NULL, instance varchar(255) NOT NULL,
	       conn bigint unsigned NOT NULL) ENGINE=InnoDB;" \
		|| fail "chaos: creating the observation tables"
}

# hawatch creates its schema when it first leads: then log its leader rows
_hw_leader_table() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.tables
	          WHERE table_schema = 'hawatch' AND table_name = 'leader'")" = 1 ]
}
chaos_leader_observer() {
	wait_for 30 _hw_leader_table || fail "chaos: hawatch never created hawatch.leader"
	sql "CREATE TRIGGER hawatch.chaos_leader_ai AFTER INSERT ON hawatch.leader FOR EACH ROW
	       INSERT INTO cloud.chaos_leader_log (at, instance, conn)
	       VALUES (UNIX_TIMESTAMP(SYSDATE(6)), NEW.instance, NEW.connection_id);
	     CREATE TRIGGER hawatch.chaos_leader_au AFTER UPDATE ON hawatch.leader FOR EACH ROW
	       INSERT INTO cloud.chaos_leader_log (at, instance, conn)
	       VALUES (UNIX_TIMESTAMP(SYSDATE(6)), NEW.instance, NEW.connection_id);
	     SET time_zone = '+00:00';
	     INSERT INTO cloud.chaos_leader_log (at, instance, conn)
	       SELECT UNIX_TIMESTAMP(since), instance, connection_id FROM hawatch.leader;" \
		|| fail "chaos: creating the leader observer"
}

# --- hawatch instances ---------------------------------------------------

# chaos_hawatch_start NAME: run instance NAME (config $T/NAME.conf)
chaos_hawatch_start() {
	hawatch_start "$1" "$T/$1.conf"
	disown "$(hawatch_pid "$1")" 2>/dev/null || true
	HW_UP[$1]=1
	ev "hawatch_start inst=$1 pid=$(hawatch_pid "$1")"
}

chaos_hawatch_kill() {	# chaos_hawatch_kill NAME: SIGKILL, wait until gone
	local p
	p=$(hawatch_pid "$1")
	HW_UP[$1]=0
	kill -KILL "$p" 2>/dev/null || true
	wait_for 5 eval "! _proc_alive $p" || true
	ev "hawatch_kill inst=$1 pid=$p"
}

# the instance whose status file says it leads now (empty if none); the
# file must be fresh: a daemon rewrites it every tick
chaos_leader() {
	local n m now
	printf -v now '%(%s)T' -1
	for n in "${HW_NAMES[@]}"; do
		[ "${HW_UP[$n]}" = 1 ] || continue
		_proc_alive "$(hawatch_pid "$n")" || continue
		m=$(stat -c %Y "$T/status-$n.json" 2>/dev/null) || continue
		[ $((now - m)) -le 3 ] || continue
		grep -q '"leader":true' "$T/status-$n.json" 2>/dev/null && { echo "$n"; return 0; }
	done
	return 0
}
_have_leader() { [ -n "$(chaos_leader)" ]; }

# chaos_wait_leader SECONDS: wait until some running instance leads;
# records env_up what=leader (deadlines restart from there)
chaos_wait_leader() {
	if wait_for "$1" _have_leader; then
		ev "env_up what=leader inst=$(chaos_leader)"
		return 0
	fi
	return 1
}

# --- the HA worker (a management server) --------------------------------

# chaos_haworker_start NAME MSID [ARGS...]: one management server
chaos_haworker_start() {
	local name=$1 msid=$2 p
	shift 2
	"$HAWORKER" --msid "$msid" --db-socket "$DB_SOCK" --db-user cloud \
		--db-password-file "$DB_PASS_FILE" --scale "$CHAOS_HA_SCALE" \
		--live-hosts-file "$CH/live" --start-hook "$CH/hook.sh" "$@" \
		</dev/null 2>>"$CH/haworker-$name.log" &
	p=$!
	disown "$p"
	track "$p"
	eval "HAW_PID_$name=$p"
	touch "$CH/haworker-$name.log"
	wait_for 10 grep -q "event=ms.up msid=$msid" "$CH/haworker-$name.log" \
		|| fail "chaos: haworker $name (msid $msid) did not come up: $(tail -3 "$CH/haworker-$name.log")"
	ev "haworker_start name=$name msid=$msid pid=$p"
}
haworker_pid() { eval "echo \${HAW_PID_$1:-}"; }

# the start hook (haworker --start-hook NAME HOST): with libvirt, create
# the domain on the host's hypervisor (a start fails if it cannot); record
# where each VM really started, stamped before the start
chaos_hook() {
	cat >"$CH/hook.sh" <<-EOF
		#!/bin/bash
		t=\$EPOCHREALTIME
		if [ "$CHAOS_LIBVIRT" = 1 ]; then
			ip="10.9.\$(( \$2 / 250 )).\$(( \$2 % 250 + 1 ))"
			printf '<domain type="test"><name>%s</name><memory unit="MiB">256</memory><vcpu>1</vcpu><os><type arch="x86_64">hvm</type></os></domain>' "\$1" >"$CH/dom-\$1.xml"
			timeout 20 virsh -q -c "test+unix:///default?socket=$T/lvip/\$ip/libvirt-sock" \\
				create "$CH/dom-\$1.xml" >/dev/null 2>>"$CH/hook.err" || exit 1
		fi
		echo "\$t \$1 \$2" >>"$CH/starts.log"
	EOF
	chmod +x "$CH/hook.sh"
	: >"$CH/starts.log"
}

# lv_host HOST ARGS...: virsh against the simulated host's hypervisor
lv_host() {
	local h=$1
	shift
	timeout 10 virsh -q -c "test+unix:///default?socket=$T/lvip/$(sim_ip "$h")/libvirt-sock" "$@"
}

# chaos_domains: "host domain state" for every powered-on host's hypervisor
chaos_domains() {
	local h pw
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		read -r pw 2>/dev/null <"$(ipmisim_hostdir "h$h")/power" || continue
		[ "$pw" = 1 ] || continue
		lv_host "$h" list --all 2>/dev/null | awk -v h="$h" 'NF >= 3 { print h, $2, $3 }'
	done
	return 0
}

# --- BMCs and power ------------------------------------------------------

# bmc_power HOST on|off: through the host's BMC, as an operator or a PDU
# would; 0 once the BMC acknowledged
bmc_power() {
	local d try out want pw
	d=$(ipmisim_hostdir "h$1")
	want=$([ "$2" = on ] && echo 1 || echo 0)
	for try in 1 2 3 4 5; do
		out=$(ipmipower --config-file="$d/freeipmi.conf" -h "$(cat "$d/bmc.addr"):$(cat "$d/bmc.port")" \
			--"$2" --session-timeout=5000 --retransmission-timeout=500 2>&1) || true
		[[ $out == *": ok"* ]] && return 0
		echo "$EPOCHREALTIME host=$1 $2 try=$try: $out" >>"$CH/bmc_power.log"
		# the answer may be lost while the command landed
		read -r pw 2>/dev/null <"$d/power" || pw=""
		[ "$pw" = "$want" ] && return 0
		sleep 0.3
	done
	echo "chaos: bmc_power $1 $2 failed: $out" >&2
	return 1
}

# suite_power_off HOST: the suite's own power-off through the BMC; the
# window is recorded so the checker does not count it as a hawatch fence
suite_power_off() {
	local t0=$EPOCHREALTIME rc=0
	bmc_power "$1" off || rc=1
	ev "suite_off host=$1 t0=$t0 t1=$EPOCHREALTIME via=bmc"
	return $rc
}

# chassis_off HOST: power cut behind the BMC's back (the BMC is down too)
chassis_off() {
	local t0=$EPOCHREALTIME
	"$IPMISIM_CHASSIS" "$(ipmisim_hostdir "h$1")" set power 0
	ev "suite_off host=$1 t0=$t0 t1=$EPOCHREALTIME via=chassis"
}

# chaos_bmc_restart HOST: ipmi_sim again on the same port with the same
# users (hawatch's config stays valid); the chassis power state persists
chaos_bmc_restart() {
	local d pid try i
	d=$(ipmisim_hostdir "h$1")
	for try in 1 2 3 4 5 6; do
		setsid ipmi_sim -n -c "$d/lan.conf" -f "$IPMISIM_EMU" -s "$d/state" \
			</dev/null >>"$d/ipmi_sim.log" 2>&1 &
		pid=$!
		disown "$pid"
		track "$pid"
		echo "$pid" >"$d/ipmi_sim.pid"
		for i in $(seq 1 50); do
			if _ipmisim_answers "$d"; then
				return 0
			fi
			_proc_alive "$pid" || break
			sleep 0.1
		done
		stop_pid "$pid" KILL
		sleep 0.5	# the port may be held for a moment
	done
	echo "chaos: BMC of host $1 did not come back on its port" >&2
	return 1
}

# --- NFS -----------------------------------------------------------------

# chaos_nfs_restart: kill -9 ganesha, start it again on the same port and
# export (heartbeat files live in the export directory and survive)
chaos_nfs_restart() {
	local d port try
	ganesha_kill9 nfs
	d=$(ganesha_dir nfs)
	port=$(ganesha_port nfs)
	for try in $(seq 1 20); do
		if ganesha_up "$d" "$port"; then
			disown "$(cat "$d/bg.pid")" 2>/dev/null || true
			return 0
		fi
		sleep 0.5
	done
	echo "chaos: ganesha did not come back on port $port" >&2
	return 1
}

# --- a real QEMU hypervisor on one host (backup_throttled) ----------------

# The test driver has no block jobs, so a backup that moves slowly needs real
# QEMU (tests/lib/qemu-backup.sh has the recipe).  With CHAOS_QEMU=1, host
# CHAOS_QEMU_HOST keeps its test-driver libvirtd for everything the suite
# does (domains, power, the HA worker's start hook), but the daemons'
# sweeper reaches that host through $T/swip/<ip>, which for it is a relay
# (lv-name-proxy.py) to a session libvirtd with real QEMU holding one domain
# named like one of the host's CloudStack VMs; for every other host
# $T/swip/<ip> is its $T/lvip/<ip>.  So the sweeper sees the QEMU domain,
# and only it, on that host.
QEMU_S=$T/qemu
chaos_qemu_up() {
	local h=$CHAOS_QEMU_HOST ip d
	mkdir -p "$T/swip"
	for d in $(seq 1 "$CHAOS_HOSTS"); do
		[ "$d" = "$h" ] || ln -sfn "$T/lvip/$(sim_ip "$d")" "$T/swip/$(sim_ip "$d")"
	done
	[ "$CHAOS_QEMU" = 1 ] || return 0
	ip=$(sim_ip "$h")
	QEMU_DOM=$(sql "SELECT instance_name FROM vm_instance WHERE host_id = $h AND state = 'Running' ORDER BY id LIMIT 1")
	[ -n "$QEMU_DOM" ] || fail "chaos: no Running VM on host $h for the QEMU domain"
	QEMU_VM=${QEMU_DOM#i-2-}; QEMU_VM=${QEMU_VM%-VM}
	S=$QEMU_S bash "$TOP/tests/lib/qemu-ioerror.sh" daemon >/dev/null ||
		fail "chaos: QEMU session libvirtd: $(cat "$QEMU_S/libvirtd.out" 2>/dev/null)"
	T_CLEANUP_HOOKS+=(chaos_qemu_down)
	# 1 GiB of random data: at 4 MiB/s the backup outlasts any step, and
	# what is copied before the throttle lands leaves most of it to copy
	S=$QEMU_S bash "$TOP/tests/lib/qemu-backup.sh" guest "$QEMU_DOM" 1024 ||
		fail "chaos: QEMU guest $QEMU_DOM"
	mkdir -p "$T/swip/$ip"
	# the relay is the host's libvirt as the sweeper and the BMC
	# corroboration see it: it goes with the host's power (a powered-off
	# host's libvirt cannot answer), while the QEMU daemon behind it
	# outlives power-offs
	cat >"$CH/qemu-relay.sh" <<-EOF
		#!/bin/bash
		rm -f "$T/swip/$ip/libvirt-sock"
		python3 "$TOP/tests/chaos/lv-name-proxy.py" "$T/swip/$ip/libvirt-sock" \\
		    "$QEMU_S/run/libvirt/libvirt-sock" </dev/null >/dev/null 2>>"$CH/lv-proxy.err" &
		echo \$! >"$CH/qemu-relay.pid"
		echo \$! >>"$T/pids"
	EOF
	chmod +x "$CH/qemu-relay.sh"
	"$CH/qemu-relay.sh"
	sed -i "s|^exit 0\$|kill -KILL \$(cat \"$CH/qemu-relay.pid\" 2>/dev/null) 2>/dev/null\nexit 0|" \
		"$(ipmisim_hostdir "h$h")/on_power_off"
	echo "\"$CH/qemu-relay.sh\"" >>"$(ipmisim_hostdir "h$h")/on_power_on"
	grep -q qemu-relay "$(ipmisim_hostdir "h$h")/on_power_off" || fail "chaos: relay not tied to host $h's power"
	wait_for 10 test -S "$T/swip/$ip/libvirt-sock" || fail "chaos: QEMU relay for host $h"
	chaos_qemu_bmc_guid "$h"
	ev "qemu_up host=$h dom=$QEMU_DOM vm=$QEMU_VM"
}
# chaos_qemu_bmc_guid HOST: hawatch's identity check compares the BMC's
# System GUID with the host UUID the host's libvirt reports; through the
# relay that is this machine's (the QEMU daemon's sysinfo), so host
# HOST's simulated BMC takes it as its GUID (ipmi_sim restarted on its
# port), or its BMC would be distrusted as belonging to another machine
chaos_qemu_bmc_guid() {
	local h=$1 d uuid
	uuid=$(lv_qemu sysinfo 2>/dev/null | sed -n '/<system>/,/<\/system>/s/.*<entry name=.uuid.>\([^<]*\)<.*/\1/p' | head -1) || true
	[ -n "$uuid" ] || uuid=$(lv_qemu capabilities 2>/dev/null |
		sed -n '/<host>/,/<\/host>/s/.*<uuid>\([^<]*\)<.*/\1/p' | head -1) || true
	[[ ${uuid//-/} =~ ^[0-9a-fA-F]{32}$ ]] || fail "chaos: no host UUID from the QEMU libvirtd for host $h's BMC GUID: [$uuid]"
	d=$(ipmisim_hostdir "h$h")
	sed -i "s/^\([[:space:]]*guid \).*/\1${uuid//-/}/" "$d/lan.conf"
	grep -q "guid ${uuid//-/}" "$d/lan.conf" || fail "chaos: could not set host $h's BMC GUID"
	ipmisim_kill_bmc "h$h"
	chaos_bmc_restart "$h" || fail "chaos: host $h's BMC did not come back with GUID $uuid"
}
chaos_qemu_down() { S=$QEMU_S bash "$TOP/tests/lib/qemu-ioerror.sh" down >/dev/null 2>&1 || true; }
# qb ARGS: tests/lib/qemu-backup.sh against the QEMU host's libvirtd
qb() { S=$QEMU_S timeout 20 bash "$TOP/tests/lib/qemu-backup.sh" "$@"; }
# lv_qemu ARGS: virsh against it
lv_qemu() { timeout 10 virsh -q -c "qemu+unix:///session?socket=$QEMU_S/run/libvirt/libvirt-sock" "$@"; }

# --- the whole cluster ---------------------------------------------------

# chaos_cluster_up: the simulated cluster, observers, two hawatch instances
# and the HA worker.  Prints nothing on success.
chaos_cluster_up() {
	mkdir -p "$CH"
	: >"$EVENTS"
	if [ "$CHAOS_LIBVIRT" = 1 ]; then
		# the daemon's sweeper, fast: seen paused -> resumed within
		# interval + pause_grace + interval + resume_settle
		# job_stall_after 4 s: a moving backup wrongly judged idle
		# would be aborted inside its backup_throttled step
		export SIM_SWEEP="enabled = true; interval = \"${CHAOS_SWEEP_INTERVAL}s\";
		  pause_grace = \"${CHAOS_PAUSE_GRACE}s\"; resume_settle = \"300ms\";
		  job_stall_after = \"${CHAOS_JOB_STALL}s\";
		  open_timeout = \"2s\"; call_timeout = \"3s\"; optout = [ $CHAOS_OPTOUT_CONF ];
		  uri_template = \"test+unix:///default?socket=$T/swip/{ip}/libvirt-sock\";"
	fi
	simcluster_start "$CHAOS_HOSTS" "$CHAOS_VMS"
	if [ "$CHAOS_LIBVIRT" = 1 ]; then
		simcluster_libvirt
		chaos_qemu_up
	fi
	chaos_db_observers
	chaos_hook
	chaos_sampler_start
	for n in "${HW_NAMES[@]}"; do
		simcluster_conf "$T/$n.conf" "$n"
		# restart assurance (S10), fast: re-queue a dropped HA row 2 s on
		echo "reconcile = { requeue_max = 3; requeue_after = \"${CHAOS_REQUEUE_AFTER}s\"; };" \
			>>"$T/$n.conf"
	done
	# the operator's config: `hawatch reconcile --release-claims` treats an
	# MS silent for ms_dead_after as dead (CloudStack's is 150 s)
	cp "$T/a.conf" "$T/operator.conf"
	sed -i 's/^\([[:space:]]*\)write_timeout = 5;/&\n\1ms_dead_after = "'"$CHAOS_MS_DEAD_AFTER"'";/' \
		"$T/operator.conf"
	grep -q "ms_dead_after" "$T/operator.conf" || fail "chaos: could not set ms_dead_after"
	for n in "${HW_NAMES[@]}"; do
		chaos_hawatch_start "$n"
	done
	chaos_leader_observer
	for n in "${HW_NAMES[@]}"; do
		for i in $(seq 1 "$CHAOS_HOSTS"); do
			wait_state "$n" "$i" alive 30 || fail "chaos: $n: host $i never alive: $(tail -5 "$T/hawatch-$n.log")"
		done
	done
	chaos_wait_leader 20 || fail "chaos: no hawatch instance leads"
	wait_for 10 test "$(wc -l <"$CH/live")" = "$CHAOS_HOSTS" || fail "chaos: live-hosts file incomplete"
	# CloudStack 4.22's start(): unclaimed Scheduled rows -> Investigating
	chaos_haworker_start main 1111 --workers 3 --mark-investigating on
	sleep 2		# past startup_grace
	ev "setup_done hosts=$CHAOS_HOSTS vms=$CHAOS_VMS"
}
