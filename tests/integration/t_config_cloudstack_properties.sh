#!/bin/bash
# t_config_cloudstack_properties.sh -- zero configuration on a management
# node (issue 13): a hawatch.conf whose database group names only
# cloudstack_properties connects with CloudStack's own credentials.
#
# db.properties holds the password as ENC(...) (V2, AES-GCM, produced by
# python3-cryptography, independent of hawatch's C code) under the key
# file beside it (db.cloud.encryption.type=file).  Checks:
#   - config-check --dump shows where the credentials came from, never the
#     password; `reconcile --release-claims --dry-run` and `doctor` connect;
#   - the same with the key in $CLOUD_SECRET_KEY (encryption.type=env);
#   - a wrong key, a key file readable by others and a missing db.properties
#     are refused with an error naming the file, without the secret.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
pw=$(cat "$DB_PASS_FILE")
secret="management-key-$$"
enc() {	# enc SECRET PLAIN -> base64(IV || AES-256-GCM(SHA-256(SECRET)) || tag)
	python3 - "$1" "$2" <<'PY'
import base64, hashlib, os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = hashlib.sha256(sys.argv[1].encode()).digest()
iv = os.urandom(12)
print(base64.b64encode(iv + AESGCM(key).encrypt(iv, sys.argv[2].encode(), b"")).decode())
PY
}
mgmt=$T/management
mkdir -p "$mgmt"
write_props() {	# write_props TYPE
	cat >"$mgmt/db.properties" <<-EOF
		# CloudStack management server database settings (test copy)
		db.cloud.host=127.0.0.1
		db.cloud.port=$DB_PORT
		db.cloud.username=cloud
		db.cloud.password=ENC($(enc "$secret" "$pw"))
		db.cloud.name=cloud
		db.cloud.encryption.type=$1
		db.cloud.encryptor.version=V2
	EOF
	chown root:root "$mgmt/db.properties"
	chmod 640 "$mgmt/db.properties"
}
printf '%s\n' "$secret" >"$mgmt/key"
chown root:root "$mgmt/key"
chmod 640 "$mgmt/key"
write_props file

conf=$T/zero.conf
printf 'database = { cloudstack_properties = "%s"; connect_timeout = 3; };\n' \
	"$mgmt/db.properties" >"$conf"
chmod 600 "$conf"

HWCONF=$conf hw config-check --dump
expect_rc 0 "config-check --dump with db.properties"
grep -q '^database.user = "cloud";' "$T/out" || fail "user not taken from db.properties: $(cat "$T/out")"
grep -q "^database.port = $DB_PORT;" "$T/out" || fail "port not taken from db.properties"
grep -q '^database.password = <set>;' "$T/out" || fail "password not set from db.properties"
grep -qF -- "$pw" "$T/out" "$T/err" && fail "the password is printed"
pass "config-check --dump: credentials from db.properties, password never shown"

HWCONF=$conf hw reconcile --release-claims --dry-run
[ "$RC" -eq 0 ] || [ "$RC" -eq 3 ] || expect_rc 0 "reconcile --release-claims --dry-run"
HWCONF=$conf hw doctor
grep -q 'db.connect' "$T/out" || fail "doctor printed no db.connect line: $(cat "$T/out")"
grep -E "^ok +db.credentials +user and password from db.properties $mgmt/db.properties" "$T/out" >/dev/null || fail "doctor does not say where the credentials came from: $(grep db.cred "$T/out")"
grep -E '^ok +db.connect' "$T/out" >/dev/null || fail "doctor cannot connect: $(grep db.connect "$T/out")"
pass "reconcile --release-claims --dry-run and doctor connect with CloudStack's credentials"

# env: the key from CLOUD_SECRET_KEY, no key file needed
write_props env
mv "$mgmt/key" "$mgmt/key.off"
CLOUD_SECRET_KEY=$secret HWCONF=$conf hw reconcile --release-claims --dry-run
[ "$RC" -eq 0 ] || [ "$RC" -eq 3 ] || expect_rc 0 "encryption.type=env"
pass "encryption.type=env takes the key from CLOUD_SECRET_KEY"

# wrong key: refused, names db.properties, no secret in the error
CLOUD_SECRET_KEY=not-the-key HWCONF=$conf hw reconcile --release-claims --dry-run
expect_rc 1 "wrong key"
grep -q 'db.properties' "$T/err" || fail "error does not name db.properties: $(cat "$T/err")"
grep -qF -e "$secret" -e "$pw" "$T/err" && fail "error shows a secret"
pass "a wrong key is refused naming the file, no secret shown"

# a key file readable by others is refused
mv "$mgmt/key.off" "$mgmt/key"
write_props file
chmod 644 "$mgmt/key"
HWCONF=$conf hw config-check
expect_rc 1 "world-readable key"
grep -q "$mgmt/key" "$T/err" || fail "error does not name the key file: $(cat "$T/err")"
chmod 640 "$mgmt/key"
pass "a key file readable by others is refused"

# no db.properties at all: a clear error naming the key to set
printf 'database = { cloudstack_properties = "%s/missing.properties"; };\n' "$mgmt" >"$conf"
HWCONF=$conf hw config-check
expect_rc 1 "missing db.properties"
grep -q 'cloudstack_properties' "$T/err" || fail "error does not name the key: $(cat "$T/err")"
pass "a missing db.properties is refused naming database.cloudstack_properties"
