#!/bin/bash
# chassis.sh -- ipmi_sim chassis_control program: the power model of one
# simulated host.
#
# lan.conf:  chassis_control "<abs>/tests/lib/sim/chassis.sh <hostdir>"
# ipmi_sim runs it synchronously through popen("/bin/sh -c ...") as
#   chassis.sh HOSTDIR get power        -> prints "power:0|1", exit 0
#   chassis.sh HOSTDIR set power 0|1    -> prints nothing, exit 0
#   chassis.sh HOSTDIR set reset 1 | set shutdown 1 | get boot | set boot X
#                      | set identify I F
# A non-zero exit becomes completion code 0xff at the IPMI client.
#
# Host dir contract (shared with ipmisim.sh and the simulated cluster):
#   power          0|1, the chassis power state
#   hb.target      file the heartbeat writer rewrites (epoch seconds)
#   hb.interval_ms writer period
#   writer.pid     pid (= process group) of the running writer
#   chassis.log    one timestamped line per "set" the BMC received, and
#                  per "get power" while the file log.gets exists (tests
#                  that order readings; builtins only, no fork)
#   bmc_reads_off  when present, "get power" says off whatever the power
#                  (a BMC mapped to another, powered-off machine)
# "Host running" means the writer is alive.  Power off SIGKILLs the writer's
# whole process group (an abrupt power cut, its sleep dies too); power on
# starts a new writer.  Tests count "set power 0" lines in chassis.log.
#
# Gotchas (see shared/reference/ipmi.md): ipmi_sim's UDP socket is not
# close-on-exec, so fds > 2 are closed before anything long-lived starts;
# the writer's stdio is detached or popen() in ipmi_sim would wait for it;
# process-group kill needs bash (dash's kill rejects "-PGID").
H=$1
op=$2
shift 2 || exit 1
[ -d "$H" ] || { echo "chassis.sh: no host dir $H"; exit 1; }

for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] && eval "exec $fd>&-"
done 2>/dev/null

# ipmi_sim forks this for every status read: the "get" path forks nothing
# (builtins only), which keeps a status read at a few ms.
log() { echo "$EPOCHREALTIME $*" >> "$H/chassis.log"; }

readf() {	# readf FILE DEFAULT: first line of FILE, without forking
	local v
	{ read -r v < "$1"; } 2>/dev/null || v=$2
	printf '%s' "$v"
}

writer_pid() { readf "$H/writer.pid" ""; }

writer_alive() {
	local p s
	p=$(writer_pid) || return 1
	[ -n "$p" ] || return 1
	s=$(ps -o stat= -p "$p" 2>/dev/null) || return 1
	[[ $s != Z* ]]
}

start_writer() {
	local target ms
	writer_alive && return 0
	target=$(readf "$H/hb.target" "$H/heartbeat")
	ms=$(readf "$H/hb.interval_ms" 1000)
	# Not a group leader here, so setsid execs in place: $! is the writer
	# and it leads its own process group.
	setsid "${BASH_SOURCE[0]%/*}/hbwriter.sh" "$target" "$ms" \
	    </dev/null >/dev/null 2>&1 &
	echo $! > "$H/writer.pid"
}

stop_writer() {
	local p
	p=$(writer_pid)
	if [ -n "$p" ]; then
		kill -KILL -- "-$p" 2>/dev/null
	fi
	rm -f "$H/writer.pid"
}

case $op in
get)
	for p in "$@"; do
		case $p in
		power)	read -r v 2>/dev/null <"$H/power" || v=0
			# a lying BMC (chaos bmc_lies): reads off, host runs
			[ -e "$H/bmc_reads_off" ] && v=0
			[ -e "$H/log.gets" ] && log "get power $v"
			echo "power:$v";;
		boot)	echo "boot:default";;
		*)	echo "bad get $p"; exit 1;;
		esac
	done;;
set)
	# optional per-host hooks (the simulated cluster's hypervisor): the
	# power-off one runs to completion (its domains vanish with the power),
	# the power-on one is detached (a hypervisor boots in the background)
	power_hook() {
		[ -x "$H/$1" ] || return 0
		if [ "$1" = on_power_off ]; then
			"$H/$1" </dev/null >/dev/null 2>&1 || log "hook $1 failed"
		else
			setsid "$H/$1" </dev/null >/dev/null 2>&1 &
		fi
	}
	while [ $# -ge 2 ]; do
		p=$1 v=$2
		shift 2
		log "set $p $v"
		case $p in
		power)
			if [ "$v" = 1 ]; then
				start_writer
				echo 1 > "$H/power"
				power_hook on_power_on
			else
				stop_writer
				echo 0 > "$H/power"
				power_hook on_power_off
			fi;;
		reset)	stop_writer; start_writer; echo 1 > "$H/power";;
		shutdown) stop_writer; echo 0 > "$H/power";;
		boot|identify) :;;
		*)	echo "bad set $p"; exit 1;;
		esac
	done;;
*)
	echo "bad op $op"; exit 1;;
esac
exit 0
