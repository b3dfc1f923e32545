# ganesha.sh -- nfs-ganesha fixture: NFSv4 only, 127.0.0.1, user space.
#
# Source after common.sh.  Each instance lives in $T/ganesha-NAME, serves
# its export/ directory as pseudo path /export on a free TCP port, and is
# tracked by PID (common.sh stops it at exit).  Recipe and gotchas:
# reference/deps.md section 1:
#   * NFSv4 only, so no rpcbind (v3 needs rpcbind, which binds 0.0.0.0:111);
#   * Attr_Expiration_Time = 0, else out-of-band writes to the export dir
#     are not seen for 60 s (stale heartbeats);
#   * -F (foreground, so $! is the server) and an absolute -f path;
#   * Graceless, so a restart serves at once (no 90 s grace period);
#   * libnfs needs ?version=4&nfsport=PORT (no portmapper for v4).
#
#   ganesha_start NAME [PORT]  start (free port unless given); sets
#                              GANESHA_DIR GANESHA_PORT GANESHA_PID
#                              GANESHA_EXPORT GANESHA_URL
#   ganesha_stop NAME [SIG]    stop by PID (TERM, wait, then KILL)
#   ganesha_kill9 NAME         kill -9 and wait until it is gone
#   ganesha_pid NAME / ganesha_port NAME / ganesha_url NAME [SUBPATH]
#
# GANESHA_PROTOCOLS (env, default 4): "3,4" or "3" serve NFSv3 too, with
# MOUNT on a second fixed port (file mntport) and mount_path_pseudo, so
# v3 mounts /export like v4.  v3 needs rpcbind (ganesha exits without
# one, and rpcbind binds 0.0.0.0:111): run such tests in their own
# network namespace (netns.sh).
#
# GANESHA_EXPORTS=N (env, default 1) adds exports 2..N: directory
# exportK/ served as /exportK (Export_Id K), as a zone whose clusters each
# have a primary pool on one filer.  ganesha_url NAME 2 gives the URL of
# /export2 (the SUBPATH is appended to "/export").

GANESHA_BIN=${GANESHA_BIN:-$(command -v ganesha.nfsd || true)}

# ganesha_nfs_version "$@": call at the top of a test.  NFS_VERSION (env)
# 4 (default): nothing to do.  3: the test re-runs itself in a private
# network namespace with its own rpcbind (netns.sh), ganesha serves v3
# and v4, and URLs say version=3 with both ports.  auto: the same, and
# URLs give no version (the reader must find one).
ganesha_nfs_version() {
	[ "${NFS_VERSION:-4}" != 4 ] || return 0
	source "$TOP/tests/lib/netns.sh"
	netns_enter "$@"
	netns_rpcbind
	export GANESHA_PROTOCOLS=${GANESHA_PROTOCOLS:-3,4}
	export GANESHA_URL_VERSION=$NFS_VERSION
}

ganesha_plugins_dir() {
	local d
	for d in /usr/lib/"$(uname -m)"-linux-gnu/ganesha /usr/lib64/ganesha \
	    /usr/lib/ganesha; do
		[ -e "$d/libfsalvfs.so" ] && { echo "$d"; return 0; }
	done
	return 1
}

ganesha_require() {
	[ -n "$GANESHA_BIN" ] || skip "ganesha.nfsd not installed"
	ganesha_plugins_dir >/dev/null || skip "nfs-ganesha-vfs (libfsalvfs.so) not installed"
}

ganesha_dir() { echo "$T/ganesha-$1"; }
ganesha_pid() { cat "$(ganesha_dir "$1")/bg.pid"; }
ganesha_port() { cat "$(ganesha_dir "$1")/port"; }
ganesha_mntport() { cat "$(ganesha_dir "$1")/mntport" 2>/dev/null || echo 0; }
ganesha_url() {
	ganesha_url_ports "/export${2:-}" "$(ganesha_port "$1")" "$(ganesha_mntport "$1")"
}
# ganesha_url_ports PATH NFSPORT MNTPORT: the URL as GANESHA_URL_VERSION
# asks: 4 (default) "version=4&nfsport=P"; 3 "version=3&nfsport=P&
# mountport=M" (no portmapper asked); auto: no version (the reader tries
# v4, then v3, as the kernel's mount does)
ganesha_url_ports() {
	case ${GANESHA_URL_VERSION:-4} in
	4) echo "nfs://127.0.0.1$1?version=4&nfsport=$2" ;;
	3) echo "nfs://127.0.0.1$1?version=3&nfsport=$2&mountport=$3" ;;
	*) echo "nfs://127.0.0.1$1?nfsport=$2&mountport=$3" ;;
	esac
}

ganesha_write_conf() {	# ganesha_write_conf DIR PORT
	local v3=""
	[ "${GANESHA_PROTOCOLS:-4}" = 4 ] ||
	    v3="MNT_Port = $(cat "$1/mntport"); mount_path_pseudo = true;"
	cat > "$1/ganesha.conf" <<EOF
NFS_CORE_PARAM {
	Bind_addr = 127.0.0.1;
	NFS_Port = $2;
	$v3
	Protocols = ${GANESHA_PROTOCOLS:-4};
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Enable_UDP = false;
	Plugins_Dir = "$(ganesha_plugins_dir)";
}
NFSv4 {
	Graceless = true;
	RecoveryBackend = fs;
	RecoveryRoot = "$1/recov";
	Only_Numeric_Owners = true;
}
LOG { Default_Log_Level = EVENT; }
EOF
	local k
	ganesha_write_export "$1/ganesha.conf" 1 "$1/export" /export
	for k in $(seq 2 "${GANESHA_EXPORTS:-1}"); do
		mkdir -p "$1/export$k"
		ganesha_write_export "$1/ganesha.conf" "$k" "$1/export$k" "/export$k"
	done
}

ganesha_write_export() {	# ganesha_write_export CONF ID PATH PSEUDO
	cat >> "$1" <<EOF
EXPORT {
	Export_Id = $2;
	Path = "$3";
	Pseudo = "$4";
	Protocols = ${GANESHA_PROTOCOLS:-4};
	Access_Type = RW;
	Squash = No_Root_Squash;
	SecType = sys;
	Attr_Expiration_Time = 0;
	FSAL { Name = VFS; }
}
EOF
}

# ganesha_up DIR PORT: start one process; 0 once it serves, 1 if it died
ganesha_up() {
	local d=$1 port=$2 pid end
	ganesha_write_conf "$d" "$port"
	: > "$d/ganesha.log"
	"$GANESHA_BIN" -F -f "$d/ganesha.conf" -L "$d/ganesha.log" \
	    -p "$d/ganesha.pid" >/dev/null 2>&1 &
	pid=$!
	disown "$pid" 2>/dev/null || true	# no "Killed" notice on kill -9
	track "$pid"
	echo "$pid" > "$d/bg.pid"
	echo "$port" > "$d/port"
	end=$((SECONDS + 15))
	until grep -q "NFS SERVER INITIALIZED" "$d/ganesha.log" 2>/dev/null &&
	    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		running "$pid" || return 1
		[ $SECONDS -ge $end ] && { kill -KILL "$pid"; return 1; }
		sleep 0.05
	done
}

ganesha_start() {
	local name=$1 port=${2:-} d try
	ganesha_require
	d=$(ganesha_dir "$name")
	mkdir -p "$d/export" "$d/recov"
	for try in 1 2 3; do
		[ -n "${2:-}" ] || port=$(free_port tcp)
		# MOUNT port: kept across a restart on a given port
		[ -n "${2:-}" ] && [ -s "$d/mntport" ] || free_port tcp > "$d/mntport"
		ganesha_up "$d" "$port" && break
		# a fixed port may still be held briefly; a free one may be taken
		[ "$try" = 3 ] && { tail -5 "$d/ganesha.log" >&2; fail "ganesha $name did not start on $port"; }
		sleep 0.3
	done
	GANESHA_DIR=$d
	GANESHA_PORT=$port
	GANESHA_PID=$(cat "$d/bg.pid")
	GANESHA_EXPORT=$d/export
	GANESHA_URL=$(ganesha_url "$name")
}

ganesha_stop() {
	local pid
	pid=$(ganesha_pid "$1")
	stop_pid "$pid" "${2:-TERM}"
}

ganesha_kill9() {
	local pid i
	pid=$(ganesha_pid "$1")
	kill -KILL "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		running "$pid" || return 0
		sleep 0.02
	done
	fail "ganesha $1 (pid $pid) survived kill -9"
}
