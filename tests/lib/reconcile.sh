# reconcile.sh -- helpers for the reconciler's integration tests (sourced).
#
# seed_db: start MariaDB, load CloudStack's schema and the #12922 seed,
# write $T/hawatch.conf.  Afterwards `hw ARGS` runs the hawatch binary with
# that config and stores stdout/stderr/exit code in $T/out, $T/err, $RC.

source "$TOP/tests/lib/mariadb.sh"

seed_db() {
	mariadb_start
	mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
	mariadb_load "$TOP/tests/sql/seed-12922.sql"
	: > "$T/hawatch.conf"
	hawatch_conf_db "$T/hawatch.conf"
}

# hw ARGS...: run hawatch (config $HWCONF or $T/hawatch.conf); never fails
# the test by itself
hw() {
	set +e
	"$HAWATCH" --config "${HWCONF:-$T/hawatch.conf}" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	set -e
}

expect_rc() {
	[ "$RC" -eq "$1" ] || {
		echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
		fail "$2: expected exit $1, got $RC"
	}
}

# digest of everything the reconciler may write in CloudStack's schema
cs_digest() {
	sql "SELECT id, state, IFNULL(host_id,'-'), IFNULL(last_host_id,'-'),
	     power_state, update_count, IFNULL(update_time,'-')
	     FROM vm_instance ORDER BY id;
	     SELECT id, instance_id, step, IFNULL(mgmt_server_id,'-'),
	     IFNULL(taken,'-'), updated FROM op_ha_work ORDER BY id" | md5sum
}

hw_schema_exists() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.schemata
	          WHERE schema_name = 'hawatch'")" = 1 ]
}
