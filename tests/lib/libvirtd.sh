# libvirtd.sh -- fixture: one root libvirtd per simulated KVM host (bash,
# sourced after common.sh).  Recipe: reference/deps.md 2.2.
#
# Each daemon runs libvirt's built-in test driver only: LIBVIRT_DRIVER_DIR
# points at an empty directory, so no qemu/network/storage driver loads and
# several root daemons coexist.  Each has its own unix_sock_dir under $T, a
# free TCP port on 127.0.0.1 (auth none, no TLS), and a "keeper": an idle
# virsh holding test:///default open, because that state resets when the
# last connection closes.  Every PID is tracked and stopped at exit.
#
#   lv_start NAME             start host NAME; sets LV_PORT[NAME],
#                             LV_URI[NAME] (test+tcp://127.0.0.1:PORT/default),
#                             LV_UNIX_URI[NAME], LV_PID[NAME], LV_KEEPER[NAME]
#   lv_virsh NAME ARGS...     virsh against host NAME
#   lv_create NAME DOM [UUID] start a transient test domain (running)
#   lv_suspend|lv_resume|lv_destroy NAME DOM
#   lv_state NAME DOM         "paused (user)", "running (unpaused)", ...
#   lv_uuid NAME DOM
#   lv_sigstop|lv_sigcont NAME   hang / unhang the daemon
#   lv_kill NAME              kill -9 the daemon (host power-off)
#   lv_stop NAME              stop keeper and daemon
#
# Requires: libvirtd, virsh, ss; root (the daemon runs in system mode).

declare -A LV_PORT LV_URI LV_UNIX_URI LV_PID LV_KEEPER
LV_BASE=$T/lv

lv_require() {
	local b
	for b in libvirtd virsh ss; do
		command -v "$b" >/dev/null || skip "$(basename "$0" .sh): $b not installed"
	done
	[ "$(id -u)" -eq 0 ] || skip "$(basename "$0" .sh): needs root for a system-mode libvirtd"
}

# lv_keeper_up NAME: the keeper holds an established TCP connection
lv_keeper_up() {
	local n
	n=$(ss -Htn state established "( dport = :${LV_PORT[$1]} )" 2>/dev/null | wc -l)
	[ "$n" -ge 1 ]
}

lv_start() {
	local name=$1 d=$LV_BASE/$1 port try pid
	mkdir -p "$LV_BASE/nodrivers" "$d/run"
	for try in 1 2 3; do
		port=$(free_port tcp)
		cat > "$d/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
unix_sock_dir = "$d/run"
unix_sock_rw_perms = "0770"
auth_unix_ro = "none"
auth_unix_rw = "none"
auth_tcp = "none"
max_clients = 50
keepalive_interval = 5
keepalive_count = 3
log_level = 3
log_outputs = "3:file:$d/libvirtd.log"
EOF
		LIBVIRT_DRIVER_DIR=$LV_BASE/nodrivers libvirtd --listen \
		    --config "$d/libvirtd.conf" --pid-file "$d/libvirtd.pid" \
		    >"$d/stdout.log" 2>&1 &
		pid=$!
		disown "$pid"	# no "Killed" job notice when a test kills it
		track "$pid"
		# up when the port answers; gone when the bind failed (port race)
		if wait_for 10 lv_port_or_dead "$port" "$pid" && running "$pid"; then
			break
		fi
		stop_pid "$pid"
		pid=
	done
	[ -n "$pid" ] || { cat "$d/stdout.log" >&2; fail "libvirtd $name did not start"; }
	LV_PORT[$name]=$port
	LV_PID[$name]=$pid
	LV_URI[$name]="test+tcp://127.0.0.1:$port/default"
	LV_UNIX_URI[$name]="test+unix:///default?socket=$d/run/libvirt-sock"

	rm -f "$d/keeper.fifo"
	mkfifo "$d/keeper.fifo"
	virsh -c "${LV_URI[$name]}" 0<>"$d/keeper.fifo" >/dev/null 2>&1 &
	LV_KEEPER[$name]=$!
	disown "${LV_KEEPER[$name]}"
	track "${LV_KEEPER[$name]}"
	wait_for 10 lv_keeper_up "$name" || fail "keeper for $name did not connect"
}

lv_port_or_dead() {	# PORT PID: true once the port answers or PID died
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || ! running "$2"
}

lv_virsh() {
	local name=$1
	shift
	virsh -q -c "${LV_URI[$name]}" "$@"
}

lv_create() {	# NAME DOM [UUID]
	local f=$LV_BASE/$1/$2.xml uuid=${3:+<uuid>$3</uuid>}
	cat > "$f" <<EOF
<domain type='test'><name>$2</name>$uuid<memory unit='MiB'>256</memory>
  <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>
EOF
	lv_virsh "$1" create "$f" >/dev/null
}

lv_suspend() { lv_virsh "$1" suspend "$2" >/dev/null; }
lv_resume() { lv_virsh "$1" resume "$2" >/dev/null; }
lv_destroy() { lv_virsh "$1" destroy "$2" >/dev/null; }
lv_state() { lv_virsh "$1" domstate --reason "$2"; }
lv_uuid() { lv_virsh "$1" domuuid "$2"; }
lv_sigstop() { kill -STOP "${LV_PID[$1]}"; }
lv_sigcont() { kill -CONT "${LV_PID[$1]}"; }

lv_kill() {
	kill -KILL "${LV_PID[$1]}"
	wait_for 5 eval '! running '"${LV_PID[$1]}"
}

lv_stop() {
	stop_pid "${LV_KEEPER[$1]}"
	stop_pid "${LV_PID[$1]}"
}
