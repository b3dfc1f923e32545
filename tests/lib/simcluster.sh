# simcluster.sh -- a simulated CloudStack KVM cluster on loopback (sourced).
#
# Source after common.sh.  simcluster_start N VMS builds:
#   * MariaDB with CloudStack's tables and an inventory of N KVM hosts
#     (ids 1..N, private IPs 10.9.0.<id+1>) with VMS VMs each
#     (tests/sql/sim-inventory.sql);
#   * one nfs-ganesha (NFSv4) whose export holds KVMHA/hb-<ip>;
#   * per host: an ipmi_sim BMC whose chassis power drives the host's
#     heartbeat writer (powered off = no heartbeat), its address and port
#     recorded in CloudStack's oobm table;
#   * $T/hawatch.conf: the database, the pool (storage_pool 1 overridden to
#     the ganesha URL), the BMC credentials per host, short timings.
# hawatch_start NAME runs `hawatch run` in the background (log
# $T/hawatch-NAME.log, status $T/status-NAME.json).  Everything is tracked
# and stopped by PID at exit.
#
# Timing knobs (env, before simcluster_start): SIM_HB_MS heartbeat write
# interval (500), SIM_DEAD_AFTER ("4s"), SIM_TICK ("250ms"), SIM_REARM ("30s"),
# SIM_BMC_POLL ("500ms"), SIM_BMC_SESSION_TIMEOUT ("990ms"; a BMC session
# is kept across polls while the poll interval stays below it minus the
# 250 ms retransmission timeout, fence/ipmi.h).

source "$TOP/tests/lib/mariadb.sh"
source "$TOP/tests/lib/ganesha.sh"
source "$TOP/tests/lib/ipmisim.sh"

SIM_HB_MS=${SIM_HB_MS:-500}
SIM_DEAD_AFTER=${SIM_DEAD_AFTER:-4s}
SIM_TICK=${SIM_TICK:-250ms}

# SIM_SOL="1:sol 3:nosol": hosts with a console over SOL / a BMC without
# SOL (ipmisim.sh IPMISIM_SOL); SIM_SOL=all: every host with a console.
# Such a BMC listens on its own 127.0.0.N:623 (libipmiconsole takes no
# port), and the config gets ipmi_sim's SOL workarounds (SIM_SOL_WA).
SIM_SOL_WA=opensesspriv,solchannelsupport,solpayloadsize
_sim_sol() {
	local e
	[ "${SIM_SOL:-}" = all ] && { echo sol; return; }
	for e in ${SIM_SOL:-}; do [ "${e%%:*}" = "$1" ] && echo "${e#*:}"; done
}

sim_ip() { echo "10.9.$(( $1 / 250 )).$(( $1 % 250 + 1 ))"; }

simcluster_start() {
	local n=$1 vms=$2 i ip
	SIM_N=$n
	mariadb_start
	mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
	{ echo "SET @nhosts = $n, @nvms = $vms;"; cat "$TOP/tests/sql/sim-inventory.sql"; } >"$T/sim.sql"
	mariadb_load "$T/sim.sql"
	ganesha_start nfs >/dev/null
	SIM_EXPORT=$GANESHA_EXPORT
	mkdir -p "$SIM_EXPORT/KVMHA"
	for i in $(seq 1 "$n"); do
		ip=$(sim_ip "$i")
		IPMISIM_SOL=$(_sim_sol "$i") ipmisim_start_host "h$i" "$SIM_EXPORT/KVMHA/hb-$ip" "$SIM_HB_MS" >/dev/null
		sql "UPDATE oobm SET address = '$(ipmisim_addr "h$i")', port = '$(ipmisim_port "h$i")' WHERE host_id = $i"
	done
	simcluster_conf "$T/hawatch.conf" a
}

# simcluster_conf FILE NAME: a hawatch config for instance NAME
simcluster_conf() {
	local f=$1 name=$2 i
	: >"$f"
	hawatch_conf_db "$f"
	cat >>"$f" <<-CONF
		daemon = {
		  tick_interval = "$SIM_TICK";
		  dead_after = "$SIM_DEAD_AFTER";
		  startup_grace = "2s";
		  fence_quiet = "2s";
		  fence_timeout = "5s";
		  bmc_poll_interval = "${SIM_BMC_POLL:-500ms}";
		  heartbeat_read_deadline = "1s";
		  leader_retry = "500ms";
		  rearm_after = "${SIM_REARM:-30s}";
		  status_file = "$T/status-$name.json";
		  instance_name = "$name";
		  agent_heartbeat_interval = "${SIM_HB_MS}ms";
		  agent_heartbeat_timeout = "1s";
		  agent_heartbeat_max_tries = 2;
		  agent_heartbeat_retry_sleep = "500ms";
		  ${SIM_DAEMON_EXTRA:-}
		};
		pools = ( { id = 1; url = "$(ganesha_url nfs)"; } );
		bmc = {
		  user = "admin";
		  workarounds = "opensesspriv";
		  session_timeout = "${SIM_BMC_SESSION_TIMEOUT:-990ms}";
		  retransmission_timeout = "250ms";
		  workers = 8;
		  $([ -n "${SIM_SOL:-}" ] && echo "sol_workarounds = \"$SIM_SOL_WA\";")
		  ${SIM_BMC_EXTRA:-}
		  hosts = (
	CONF
	for i in $(seq 1 "$SIM_N"); do
		printf '    { host_id = %d; password_file = "%s"; }%s\n' "$i" \
			"$(ipmisim_pass_file "h$i")" "$([ "$i" -lt "$SIM_N" ] && echo ,)" >>"$f"
	done
	cat >>"$f" <<-CONF
		  );
		};
		sweep = { ${SIM_SWEEP:-enabled = false;} };
	CONF
	chmod 600 "$f"
}

# simcluster_libvirt: give every host a libvirtd (test driver) holding one
# domain per VM recorded on it (instance names), reachable for hawatch's
# sweeper as test+unix:///default?socket=$T/lvip/<ip>/libvirt-sock (use
# SIM_SWEEP's uri_template).  The host's BMC power drives it: power off kills
# the libvirtd (its domains vanish), power on starts an empty one.  Source
# tests/lib/libvirtd.sh first.
simcluster_libvirt() {
	local h d sock vms v
	mkdir -p "$T/lvip"
	for h in $(seq 1 "$SIM_N"); do
		lv_start "h$h"
		d=$LV_BASE/h$h
		sock=${LV_UNIX_URI[h$h]#*socket=}
		ln -sfn "$(dirname "$sock")" "$T/lvip/$(sim_ip "$h")"
		vms=$(sql "SELECT instance_name FROM vm_instance WHERE host_id = $h AND state = 'Running'")
		for v in $vms; do lv_create "h$h" "$v"; done
		cat >"$(ipmisim_hostdir "h$h")/on_power_off" <<-EOF
			#!/bin/bash
			kill -KILL \$(cat "$d/libvirtd.pid" 2>/dev/null) 2>/dev/null
			exit 0
		EOF
		cat >"$(ipmisim_hostdir "h$h")/on_power_on" <<-EOF
			#!/bin/bash
			# a new, empty hypervisor (state lives only in the daemon)
			LIBVIRT_DRIVER_DIR=$LV_BASE/nodrivers libvirtd --listen \
			    --config "$d/libvirtd.conf" --pid-file "$d/libvirtd.pid" >>"$d/stdout.log" 2>&1 &
			echo \$! >>"$T/pids"
			for i in \$(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
			rm -f "$d/keeper.fifo"; mkfifo "$d/keeper.fifo"
			virsh -c "test+unix:///default?socket=$sock" 0<>"$d/keeper.fifo" >/dev/null 2>&1 &
			echo \$! >>"$T/pids"
		EOF
		chmod +x "$(ipmisim_hostdir "h$h")/on_power_off" "$(ipmisim_hostdir "h$h")/on_power_on"
	done
}

# sim_live_hosts: write $T/live-hosts, the ids of the hosts whose BMC says
# powered on (the HA-worker fixture's --live-hosts-file)
sim_live_hosts() {
	local i
	: >"$T/live.tmp"
	for i in $(seq 1 "$SIM_N"); do
		[ "$(ipmisim_power "h$i")" = 1 ] && echo "$i" >>"$T/live.tmp"
	done
	mv "$T/live.tmp" "$T/live-hosts"
}

# sim_start_hook FILE: a haworker --start-hook that creates the domain on
# the host CloudStack's HA workers start the VM on
sim_start_hook() {
	cat >"$1" <<-EOF
		#!/bin/bash
		ip="10.9.\$(( \$2 / 250 )).\$(( \$2 % 250 + 1 ))"
		printf '<domain type="test"><name>%s</name><memory unit="MiB">256</memory><vcpu>1</vcpu><os><type arch="x86_64">hvm</type></os></domain>' "\$1" >"$T/\$1.xml"
		virsh -q -c "test+unix:///default?socket=$T/lvip/\$ip/libvirt-sock" create "$T/\$1.xml" >/dev/null || exit 1
		echo "\$1 \$2" >>"$T/started"
	EOF
	chmod +x "$1"
}

# hawatch_start NAME [CONF]: run the daemon in the background
hawatch_start() {
	local name=$1 conf=${2:-$T/hawatch.conf}
	"$HAWATCH" --config "$conf" run >>"$T/hawatch-$name.log" 2>&1 &
	eval "HW_PID_$name=$!"
	track $!
}
hawatch_pid() { eval "echo \$HW_PID_$1"; }

# host_state NAME HOST: the core's state of HOST in NAME's status file
host_state() {
	grep -o "{\"id\":$2,[^]]*" "$T/status-$1.json" 2>/dev/null |
		grep -o '"state":"[a-z_]*"' | cut -d'"' -f4
}
wait_state() {	# wait_state NAME HOST STATE SECONDS
	local end=$((SECONDS + $4))
	until [ "$(host_state "$1" "$2")" = "$3" ]; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.1
	done
}
vms_running_on() { sql "SELECT COUNT(*) FROM vm_instance WHERE host_id = $1 AND state = 'Running'"; }
