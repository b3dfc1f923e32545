# common.sh -- shared helpers for integration tests (sourced, bash).
#
# Every test works in its own temporary directory ($T), binds loopback only,
# picks free ports, records every process it starts in $T/pids and kills
# them by PID on exit (see t_cleanup).  Source this first, then the fixture
# libraries (mariadb.sh, ganesha.sh, ipmisim.sh, libvirtd.sh).

set -euo pipefail
# set -e stops a script at the first command that fails unexpectedly; the
# ERR trap (-E: in functions too) remembers which one, so that t_cleanup
# can name it when the script stopped without a FAIL message of its own
set -E
trap '_T_ERR="${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND (status $?)"' ERR
_T_ERR=""
_T_FAILED=0

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HAWATCH=${HAWATCH:-$TOP/build/hawatch}
T=${T:-$(mktemp -d /tmp/hawatch-test.XXXXXX)}
: > "$T/pids"

# running PID: alive and not a zombie (PID 1 here reaps orphans late)
running() {
	local s
	s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	[[ $s != Z* ]]
}

# track PID: remember a process to stop at exit
track() { echo "$1" >> "$T/pids"; }

# stop_pid PID [SIG]: TERM (or SIG), wait up to 5 s, then KILL
stop_pid() {
	local p=$1 sig=${2:-TERM} i
	running "$p" || return 0
	kill -"$sig" "$p" 2>/dev/null || true
	kill -CONT "$p" 2>/dev/null || true
	for i in $(seq 1 100); do
		running "$p" || return 0
		sleep 0.05
	done
	kill -KILL "$p" 2>/dev/null || true
}

t_cleanup() {
	local rc=$? p
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$_T_FAILED" = 0 ] && [ -n "$_T_ERR" ]; then
		echo "FAIL: ${0##*/} stopped (exit $rc) on a command that failed unexpectedly:" \
			"$_T_ERR" >&2
	fi
	if [ -f "$T/pids" ]; then
		tac "$T/pids" | while read -r p; do
			[ -n "$p" ] && stop_pid "$p"
		done
	fi
	for f in "${T_CLEANUP_HOOKS[@]:-}"; do [ -n "$f" ] && $f || true; done
	if [ "$rc" -eq 0 ] && [ -z "${KEEP_T:-}" ]; then
		rm -rf "$T"
	else
		echo "test dir kept: $T" >&2
	fi
}
T_CLEANUP_HOOKS=()
trap t_cleanup EXIT

# free_port tcp|udp: a port nobody listens on now (bind test via python-free ss)
free_port() {
	local proto=${1:-tcp} p used
	used=$(ss -Hln -"${proto:0:1}" 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
	for _ in $(seq 1 200); do
		p=$(( 20000 + RANDOM % 30000 ))
		if ! grep -qx "$p" <<<"$used"; then
			echo "$p"
			return 0
		fi
	done
	echo "free_port: none found" >&2
	return 1
}

# wait_tcp PORT SECONDS
wait_tcp() {
	local end=$((SECONDS + $2))
	until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
		[ $SECONDS -ge "$end" ] && { echo "port $1 not up" >&2; return 1; }
		sleep 0.05
	done
}

# wait_for SECONDS CMD...: poll CMD every 100 ms until it succeeds
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge "$end" ] && return 1
		sleep 0.1
	done
}

fail() { _T_FAILED=1; echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }
skip() { echo "SKIP: $*"; exit 77; }

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
