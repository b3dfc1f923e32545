# shellcheck shell=bash
# mariadb.sh -- a throw-away MariaDB 10.11 server for integration tests (sourced, bash).
#
# Source after tests/lib/common.sh.  mariadb_start creates a fresh datadir under $T/db, starts
# mariadbd on 127.0.0.1:<free port> plus a private unix socket, and creates database `cloud`
# and user `cloud` (TCP from 127.0.0.1, socket as localhost) whose password lives only in
# $T/db/cloud.pass (mode 600).  Root has no password and is reachable over the socket only;
# the helpers below (mariadb_load, sql) use it.  The server PID is tracked, so common.sh's
# exit trap stops it; $T (and with it the datadir) is removed when the test passes.
# Recipe: /work/shared/reference/deps.md §3.
#
# Exports after mariadb_start: DB_PORT DB_SOCK DB_PID DB_DIR DB_PASS_FILE.
#
# Functions:
#   mariadb_start            fresh datadir (copy of a cached install-db template), start
#                            server, create db/user
#   mariadb_load FILE        run FILE as root into database cloud (FOREIGN_KEY_CHECKS=1)
#   sql "QUERY"              run QUERY as root against cloud, print rows tab-separated (-N -B)
#   mariadb_stop             SIGTERM by PID, wait for a clean shutdown
#   mariadb_kill9            SIGKILL by PID (crash; InnoDB recovers on the next start)
#   mariadb_restart          stop (if running) and start again on the same datadir and port
#   mariadb_sigstop          freeze the server (SIGSTOP): clients then hit their timeouts
#   mariadb_sigcont          thaw it
#   hawatch_conf_db FILE     append hawatch's libconfig `database { ... }` block to FILE
#
# MARIADB_EXTRA_OPTS (env, before mariadb_start): more server options, e.g. --wsrep-on=ON.
#
# Does not: touch /etc/mysql (every client and server runs with --no-defaults), bind anything
# but loopback, or survive the test (no fixed ports, no shared datadir).

# Server options beyond the deps.md recipe, all to make start/stop fast on a shared 2-core box:
# no buffer-pool dump/load (saves I/O at stop and start), trx-commit=2 (the log reaches the OS
# at commit, so a SIGKILL of mariadbd still loses nothing; only an OS crash could, and tests do
# not crash the OS), no performance schema.
_mariadb_opts() {
	echo --no-defaults --datadir="$DB_DIR/data" --user=root \
		--bind-address=127.0.0.1 --port="$DB_PORT" --socket="$DB_SOCK" \
		--pid-file="$DB_DIR/mysqld.pid" --log-error="$DB_DIR/error.log" \
		--skip-name-resolve --innodb-buffer-pool-size=64M --innodb-log-file-size=8M \
		--innodb-buffer-pool-dump-at-shutdown=0 --innodb-buffer-pool-load-at-startup=0 \
		--innodb-flush-log-at-trx-commit=2 --performance-schema=0 --skip-log-bin \
		${MARIADB_EXTRA_OPTS:-}
}

# _mariadb_alive: like common.sh's running, without forking ps (the start loop polls it often)
_mariadb_alive() {
	local _pid _comm st
	read -r _pid _comm st _ 2>/dev/null <"/proc/$DB_PID/stat" || return 1
	[ "$st" != Z ]
}

_mariadb_ping() {
	mariadb-admin --no-defaults --socket="$DB_SOCK" -uroot --connect-timeout=1 ping \
		>/dev/null 2>&1
}

# _mariadb_launch: start mariadbd on the existing datadir, wait until it answers (10 s max)
_mariadb_launch() {
	local end=$((SECONDS + 10))
	# shellcheck disable=SC2046
	mariadbd $(_mariadb_opts) >>"$DB_DIR/stdout.log" 2>&1 &
	DB_PID=$!
	export DB_PID
	track "$DB_PID"
	# no "Killed" job notice from bash after mariadb_kill9; bash still reaps it
	disown "$DB_PID" 2>/dev/null || true
	# the socket appears when mariadbd starts listening: wait for it without forking, then ping
	until [ -S "$DB_SOCK" ] && _mariadb_ping; do
		if ! _mariadb_alive; then
			tail -20 "$DB_DIR/error.log" >&2 || true
			fail "mariadbd (pid $DB_PID) exited during start"
		fi
		[ $SECONDS -ge "$end" ] && fail "mariadbd not answering on $DB_SOCK after 10 s"
		sleep 0.01
	done
}

# _mariadb_template: print the path of a pristine datadir made by mariadb-install-db, built once
# per mariadbd version under $TOP/build (install-db alone takes 1-2 s on this shared box, a copy
# ~0.1 s).  Built in a private directory and renamed into place, so concurrent tests never see
# a half-written template.  Prints nothing if it cannot be built there.
_mariadb_template() {
	local ver dir tmp
	# keyed by the server binary (size + mtime): an upgrade builds a new template
	ver=$(stat -Lc '%s-%Y' "$(command -v mariadbd)") || return 0
	dir=${HAWATCH_DB_TEMPLATE:-$TOP/build/test-mariadb-$ver}
	if [ ! -f "$dir/.complete" ]; then
		mkdir -p "$(dirname "$dir")" 2>/dev/null || return 0
		tmp=$(mktemp -d "$dir.tmp.XXXXXX" 2>/dev/null) || return 0
		if mariadb-install-db --no-defaults --datadir="$tmp/data" --user=root \
			--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
			--innodb-log-file-size=8M >"$tmp/install.log" 2>&1; then
			touch "$tmp/.complete"
			mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
		else
			tail -20 "$tmp/install.log" >&2
			rm -rf "$tmp"
			return 0
		fi
	fi
	[ -f "$dir/.complete" ] && echo "$dir/data"
}

mariadb_start() {
	local tpl
	DB_DIR=$T/db
	DB_SOCK=$DB_DIR/mysqld.sock
	DB_PASS_FILE=$DB_DIR/cloud.pass
	DB_PORT=$(free_port tcp)
	export DB_DIR DB_SOCK DB_PORT DB_PASS_FILE
	mkdir -p "$DB_DIR"
	tpl=$(_mariadb_template)
	if [ -n "$tpl" ]; then
		cp -a "$tpl" "$DB_DIR/data" || fail "copying datadir template $tpl"
	else
		mariadb-install-db --no-defaults --datadir="$DB_DIR/data" --user=root \
			--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
			--innodb-log-file-size=8M >"$DB_DIR/install.log" 2>&1 \
			|| { tail -20 "$DB_DIR/install.log" >&2; fail "mariadb-install-db failed"; }
	fi
	_mariadb_launch

	# password: 128 random bits as 32 hex digits, no trailing newline, owner-only (od reads
	# exactly 16 bytes, so no pipe is closed early: safe under pipefail)
	(umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$DB_PASS_FILE")
	chmod 600 "$DB_PASS_FILE"
	local pw
	pw=$(cat "$DB_PASS_FILE")
	mariadb --no-defaults --socket="$DB_SOCK" -uroot <<-EOF || fail "creating db/user cloud"
		CREATE DATABASE cloud;
		CREATE USER 'cloud'@'127.0.0.1' IDENTIFIED BY '$pw';
		CREATE USER 'cloud'@'localhost' IDENTIFIED BY '$pw';
		GRANT ALL ON cloud.* TO 'cloud'@'127.0.0.1';
		GRANT ALL ON cloud.* TO 'cloud'@'localhost';
		GRANT ALL ON hawatch.* TO 'cloud'@'127.0.0.1';
		GRANT ALL ON hawatch.* TO 'cloud'@'localhost';
	EOF
}

# mariadb_load FILE: run an SQL file as root into database cloud
mariadb_load() {
	[ -r "$1" ] || fail "mariadb_load: cannot read $1"
	mariadb --no-defaults --socket="$DB_SOCK" -uroot \
		--init-command='SET FOREIGN_KEY_CHECKS=1' cloud <"$1" \
		|| fail "mariadb_load: $1 failed"
}

# sql "QUERY": run as root against cloud; rows tab-separated, no header.  Returns mariadb's
# exit status (no fail()), so tests can also assert that a statement is refused.
sql() {
	mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B cloud -e "$1"
}

# mariadb_stop: SIGTERM, wait up to 20 s for a clean shutdown (usually ~0.5-1.2 s), then KILL
mariadb_stop() {
	[ -n "${DB_PID:-}" ] || return 0
	running "$DB_PID" || return 0
	kill -TERM "$DB_PID" 2>/dev/null || true
	kill -CONT "$DB_PID" 2>/dev/null || true
	for _ in $(seq 1 400); do
		running "$DB_PID" || return 0
		sleep 0.05
	done
	echo "mariadb_stop: pid $DB_PID ignored SIGTERM for 20 s, killing" >&2
	kill -KILL "$DB_PID" 2>/dev/null || true
}

# mariadb_kill9: crash the server; returns once the process is gone
mariadb_kill9() {
	[ -n "${DB_PID:-}" ] || return 0
	kill -KILL "$DB_PID" 2>/dev/null || true
	wait_for 5 _mariadb_gone || fail "mariadb_kill9: pid $DB_PID still there"
}

_mariadb_gone() { ! running "$DB_PID"; }

# mariadb_restart: same datadir, same port, new PID
mariadb_restart() {
	mariadb_stop
	_mariadb_launch
}

mariadb_sigstop() { kill -STOP "$DB_PID"; }
mariadb_sigcont() { kill -CONT "$DB_PID"; }

# hawatch_conf_db FILE: append the database block for this server (creates FILE, mode 600)
hawatch_conf_db() {
	local f=$1
	touch "$f"
	chmod 600 "$f"
	cat >>"$f" <<-EOF
		database = {
		  host = "127.0.0.1";
		  port = $DB_PORT;
		  user = "cloud";
		  password_file = "$DB_PASS_FILE";
		  name = "cloud";
		  connect_timeout = 3;
		  read_timeout = 5;
		  write_timeout = 5;
		};
	EOF
}
