# ipmisim.sh -- simulated hosts with IPMI BMCs for integration tests (bash,
# sourced after tests/lib/common.sh).
#
# A simulated host NAME lives in $T/hosts/NAME:
#   lan.conf state/ ipmi_sim.log   ipmi_sim config, persistence dir, output
#   bmc.port bmc.user bmc.pass     UDP port on 127.0.0.1, "admin", its
#                                  random password (mode 600)
#   viewer.pass                    password of the USER-privilege "viewer"
#   freeipmi.conf                  ipmipower/ipmi-chassis config (mode 600)
#   power writer.pid chassis.log   power model kept by sim/chassis.sh
#   hb.target hb.interval_ms       where/how often the heartbeat writer writes
#   ipmi_sim.pid                   the BMC process
# One ipmi_sim per host, so a test can hang (SIGSTOP) or kill one BMC.  The
# host "runs" while its heartbeat writer (sim/hbwriter.sh) runs; BMC power
# off kills the writer, power on restarts it.  IPMI 2.0 on ipmi_sim needs
# FreeIPMI's "opensesspriv" workaround (reference/ipmi.md 8.1).
#
# Functions:
#   ipmisim_start_host NAME [HB_TARGET [HB_INTERVAL_MS]]
#                                    start (host powered on), print the
#                                    port and export IPMISIM_PORT; default
#                                    target $T/hosts/NAME/heartbeat, 1000 ms
#   ipmisim_port NAME / ipmisim_pass_file NAME / ipmisim_power NAME
#   ipmisim_kill_bmc NAME            BMC gone (SIGKILL ipmi_sim)
#   ipmisim_stop_bmc / ipmisim_cont_bmc NAME   BMC hung / resumed
#   ipmisim_crash_host NAME          host dies, BMC alive (still reports on)
#   ipmisim_power_on NAME            out-of-band power on (restarts writer)
#   ipmisim_writer_alive NAME        0 if the heartbeat writer runs
# Every ipmi_sim is tracked (stopped by t_cleanup); a cleanup hook kills the
# writers' process groups.
#
# Serial console (issue 16): with IPMISIM_SOL=sol when ipmi_sim_start_host
# runs, the host gets a console (a socat pty pair: $T/hosts/NAME/console is
# the host's side, ipmi_sim's `sol` line the other, with 16 KiB of history)
# and its BMC its own loopback address 127.0.0.N on port 623, because
# libipmiconsole refuses "host:port".  IPMISIM_SOL=nosol: the same address
# scheme without a `sol` line (a BMC without SOL).  The SOL device's name
# is unique per host and test (ipmi_sim locks /var/lock/LCK..<basename>).
#   ipmisim_addr NAME                the BMC's address (127.0.0.1 or .N)
#   ipmisim_console NAME TEXT        the host prints TEXT on its console

IPMISIM_DIR=$TOP/tests/lib/sim
IPMISIM_EMU=$IPMISIM_DIR/bmc.emu
IPMISIM_CHASSIS=$IPMISIM_DIR/chassis.sh

command -v ipmi_sim >/dev/null 2>&1 || IPMISIM_MISSING="ipmi_sim not installed (openipmi)"
command -v ipmipower >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
command -v ipmipower >/dev/null 2>&1 || IPMISIM_MISSING="ipmipower not installed (freeipmi-tools)"

# ipmisim_require: skip the test if the simulator is not available
ipmisim_require() {
	[ -z "${IPMISIM_MISSING:-}" ] || skip "$IPMISIM_MISSING"
}

ipmisim_hostdir() { echo "$T/hosts/$1"; }

_ipmisim_secret() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }

_ipmisim_write_conf() {
	local name=$1 h=$2 port=$3
	cat > "$h/lan.conf" <<CONF
# ipmi_sim LAN config for simulated host $name (BMC on 127.0.0.1:$port/udp)
name "$name"
set_working_mc 0x20
  startlan 1
    addr $(cat "$h/bmc.addr") $port
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid $(printf '%032x' "$port")
  endlan
  chassis_control "$IPMISIM_CHASSIS $h"
$([ -f "$h/sol.dev" ] && echo "  sol \"$(cat "$h/sol.dev")\" 115200 history=16384,backupfile=$h/state/solhist")
  #    num enabled name     password              max-priv max-sess auths
  user 2   true    "admin"  "$(cat "$h/bmc.pass")"    admin    10       md5
  user 3   true    "viewer" "$(cat "$h/viewer.pass")" user     10       md5
CONF
	chmod 600 "$h/lan.conf"
	(
		umask 077
		cat > "$h/freeipmi.conf" <<CONF
driver-type LAN_2_0
username admin
password $(cat "$h/bmc.pass")
workaround-flags opensesspriv
CONF
	)
}

# _ipmisim_answers H: ipmipower reads the power state (short timeouts)
_ipmisim_answers() {
	local h=$1 out
	out=$(ipmipower --config-file="$h/freeipmi.conf" \
	    -h "$(cat "$h/bmc.addr"):$(cat "$h/bmc.port")" --stat \
	    --session-timeout=490 --retransmission-timeout=100 \
	    --retransmission-wait-timeout=100 2>&1) || true
	[[ $out == *": on"* || $out == *": off"* ]]
}

ipmisim_start_host() {
	local name=$1 target=${2:-} ms=${3:-1000} h port pid try i
	h=$(ipmisim_hostdir "$name")
	mkdir -p "$h/state"
	: >> "$h/chassis.log"
	[ -n "$target" ] || target=$h/heartbeat
	mkdir -p "$(dirname "$target")"
	echo "$target" > "$h/hb.target"
	echo "$ms" > "$h/hb.interval_ms"
	echo admin > "$h/bmc.user"
	(umask 077; _ipmisim_secret > "$h/bmc.pass"; _ipmisim_secret > "$h/viewer.pass")
	# boot the host: starts its heartbeat writer
	"$IPMISIM_CHASSIS" "$h" set power 1 || fail "ipmisim: power on $name"
	echo 127.0.0.1 > "$h/bmc.addr"
	[ -n "${IPMISIM_SOL:-}" ] && _ipmisim_sol_setup "$name" "$h"
	for try in 1 2 3; do
		port=$(free_port udp)
		[ -n "${IPMISIM_SOL:-}" ] && port=623
		echo "$port" > "$h/bmc.port"
		_ipmisim_write_conf "$name" "$h" "$port"
		setsid ipmi_sim -n -c "$h/lan.conf" -f "$IPMISIM_EMU" -s "$h/state" \
		    </dev/null >"$h/ipmi_sim.log" 2>&1 &
		pid=$!
		disown "$pid"	# no "Killed" job notices when tests kill it
		track "$pid"
		echo "$pid" > "$h/ipmi_sim.pid"
		for i in $(seq 1 50); do
			if _ipmisim_answers "$h"; then
				export IPMISIM_PORT=$port
				echo "$port"
				return 0
			fi
			running "$pid" || break
			sleep 0.1
		done
		stop_pid "$pid"		# lost a port race, or wedged: next port
	done
	fail "ipmisim: BMC of $name never answered (see $h/ipmi_sim.log)"
}

# a free 127.0.0.N (N 2..254) whose UDP port 623 nobody binds
_ipmisim_free_addr() {
	local n used
	used=$(ss -Hlun 2>/dev/null | awk '{print $4}')
	for n in $(shuf -i 2-254); do
		grep -qx "127.0.0.$n:623" <<<"$used" || { echo "127.0.0.$n"; return 0; }
	done
	fail "ipmisim: no free 127.0.0.N:623"
}

_ipmisim_sol_setup() {
	local name=$1 h=$2 dev pid i
	_ipmisim_free_addr > "$h/bmc.addr"
	[ "$IPMISIM_SOL" = sol ] || return 0
	dev=$h/ttySOL-$name-$$-$RANDOM
	setsid socat pty,raw,echo=0,link="$h/console" pty,raw,echo=0,link="$dev" \
	    </dev/null >"$h/socat.log" 2>&1 &
	pid=$!
	disown "$pid"
	track "$pid"
	for i in $(seq 1 50); do [ -e "$dev" ] && [ -e "$h/console" ] && break; sleep 0.05; done
	echo "$dev" > "$h/sol.dev"
}

ipmisim_addr() { cat "$(ipmisim_hostdir "$1")/bmc.addr"; }
ipmisim_console() { printf '%s\r\n' "$2" > "$(ipmisim_hostdir "$1")/console"; }
ipmisim_port() { cat "$(ipmisim_hostdir "$1")/bmc.port"; }
ipmisim_pass_file() { echo "$(ipmisim_hostdir "$1")/bmc.pass"; }
ipmisim_power() { cat "$(ipmisim_hostdir "$1")/power"; }
ipmisim_bmc_pid() { cat "$(ipmisim_hostdir "$1")/ipmi_sim.pid"; }

ipmisim_kill_bmc() { stop_pid "$(ipmisim_bmc_pid "$1")" KILL; }
ipmisim_stop_bmc() { kill -STOP "$(ipmisim_bmc_pid "$1")"; }
ipmisim_cont_bmc() { kill -CONT "$(ipmisim_bmc_pid "$1")"; }

ipmisim_writer_alive() {
	local p s
	p=$(cat "$(ipmisim_hostdir "$1")/writer.pid" 2>/dev/null) || return 1
	[ -n "$p" ] || return 1
	s=$(ps -o stat= -p "$p" 2>/dev/null) || return 1
	[[ $s != Z* ]]
}

# host dies (writer killed) while its BMC stays up and still reports "on"
ipmisim_crash_host() {
	local h p
	h=$(ipmisim_hostdir "$1")
	p=$(cat "$h/writer.pid" 2>/dev/null) || return 0
	[ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null
	return 0
}

ipmisim_power_on() { "$IPMISIM_CHASSIS" "$(ipmisim_hostdir "$1")" set power 1; }

_ipmisim_cleanup() {
	local f p
	for f in "$T"/hosts/*/writer.pid; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && kill -KILL -- "-$p" 2>/dev/null
	done
	return 0
}
T_CLEANUP_HOOKS+=(_ipmisim_cleanup)
