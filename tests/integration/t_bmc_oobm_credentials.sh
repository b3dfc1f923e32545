#!/bin/bash
# t_bmc_oobm_credentials.sh -- BMC credentials from CloudStack's oobm rows
# (issue 13): a config holding only database.cloudstack_properties and
# bmc.use_oobm = true is complete.
#
# CloudStack's DBEncryptionUtil stores oobm.password encrypted (no ENC()
# wrapper) with db.cloud.encrypt.secret, itself ENC(...) in db.properties
# under the management server's key.  Both layers are produced here by
# python3-cryptography (V2 AES-GCM), independent of hawatch's C code.
# Checks, against a real ipmi_sim BMC and MariaDB:
#   - doctor reads the BMC with the oobm row's user and decrypted password;
#   - precedence: a bmc.hosts entry wins over the row, the row over the
#     bmc group's user and password;
#   - a row whose password does not decrypt is a FAIL naming the host and
#     oobm.password, never showing a secret;
#   - without db.properties, an encrypted row is refused the same way.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
. "$TOP/tests/lib/ipmisim.sh"
ipmisim_require
python3 -c 'import cryptography' 2>/dev/null || skip "python3-cryptography missing"
[ -x "$HAWATCH" ] || fail "$HAWATCH missing: run make"

seed_db
ipmisim_start_host h1 "" 1000 >/dev/null
P1=$(ipmisim_port h1)
bmcpw=$(cat "$(ipmisim_pass_file h1)")
dbpw=$(cat "$DB_PASS_FILE")
key="ms-key-$$"
dbsecret="db-encrypt-secret-$$"

enc() {	# enc SECRET PLAIN -> base64(IV || AES-256-GCM(SHA-256(SECRET)) || tag)
	python3 -c '
import base64, hashlib, os, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
k = hashlib.sha256(sys.argv[1].encode()).digest()
iv = os.urandom(12)
print(base64.b64encode(iv + AESGCM(k).encrypt(iv, sys.argv[2].encode(), b"")).decode())
' "$1" "$2"
}
mgmt=$T/management
mkdir -p "$mgmt"
{
	echo "db.cloud.host=127.0.0.1"
	echo "db.cloud.port=$DB_PORT"
	echo "db.cloud.username=cloud"
	echo "db.cloud.password=ENC($(enc "$key" "$dbpw"))"
	echo "db.cloud.name=cloud"
	echo "db.cloud.encryption.type=file"
	echo "db.cloud.encrypt.secret=ENC($(enc "$key" "$dbsecret"))"
	echo "db.cloud.encryptor.version=V2"
} >"$mgmt/db.properties"
printf '%s\n' "$key" >"$mgmt/key"
chown root:root "$mgmt/db.properties" "$mgmt/key"
chmod 640 "$mgmt/db.properties" "$mgmt/key"

sql "UPDATE oobm SET enabled = 0 WHERE host_id <> 1;
     UPDATE oobm SET address = '127.0.0.1', port = '$P1', username = 'admin',
       password = '$(enc "$dbsecret" "$bmcpw")' WHERE host_id = 1"

conf() {	# FILE [bmc lines]
	{
		echo "database = { cloudstack_properties = \"$mgmt/db.properties\"; connect_timeout = 3; };"
		echo "bmc = { use_oobm = true; workarounds = \"opensesspriv\";"
		echo "  session_timeout = \"990ms\"; retransmission_timeout = \"250ms\";"
		echo "  ${2:-}"
		echo "};"
		echo "sweep = { uri_template = \"test+unix:///default?socket=$T/nolv/{ip}/sock\";"
		echo "  open_timeout = \"1s\"; call_timeout = \"1s\"; };"
	} >"$1"
	chmod 600 "$1"
}
bmcline() { grep -E '^(ok|warn|FAIL) +bmc +host 1 ' "$T/out" || true; }
no_secret() {
	if grep -qF -e "$bmcpw" -e "$dbsecret" -e "$key" "$T/out" "$T/err"; then
		fail "$1 shows a secret"
	fi
}

conf "$T/zero.conf"
HWCONF=$T/zero.conf hw doctor
bmcline | grep -q '^ok .*power on' ||
	fail "doctor cannot read host 1's BMC with the oobm row's credentials: $(bmcline) $(cat "$T/err")"
no_secret doctor
bmcline | grep -q 'user from oobm row, password from oobm row' ||
	fail "doctor does not say where the BMC credentials came from: $(bmcline)"
pass "a config with only cloudstack_properties and use_oobm reads the BMC with the oobm row's credentials"

(umask 077; echo wrongpass >"$T/wrong.pass")
conf "$T/group.conf" "user = \"nobody\"; password_file = \"$T/wrong.pass\";"
HWCONF=$T/group.conf hw doctor
bmcline | grep -q '^ok .*power on.*user from oobm row, password from oobm row' ||
	fail "the bmc group's credentials won over the oobm row: $(bmcline)"
pass "the oobm row wins over the bmc group's user and password"

conf "$T/host.conf" "hosts = ( { host_id = 1; password_file = \"$T/wrong.pass\"; } );"
HWCONF=$T/host.conf hw doctor
bmcline | grep -q '^FAIL .*password invalid' || fail "a bmc.hosts entry did not win over the oobm row: $(bmcline)"
pass "a bmc.hosts entry wins over the oobm row"

sql "UPDATE oobm SET password = '$(enc "not-the-secret" "$bmcpw")' WHERE host_id = 1"
HWCONF=$T/zero.conf hw doctor
bmcline | grep -q '^FAIL .*host 1.*oobm.password' ||
	fail "an undecryptable oobm.password is not a FAIL naming it: $(bmcline)"
no_secret "the decrypt error"
pass "an oobm.password that does not decrypt is a FAIL naming host 1 and the field, no secret shown"

# without CloudStack's key: database credentials from hawatch.conf, the
# encrypted row is refused with the reason
cp "$T/hawatch.conf" "$T/nokey.conf"
sed -i "s|^database = {|database = {\n  cloudstack_properties = \"$T/none/db.properties\";|" "$T/nokey.conf"
echo 'bmc = { use_oobm = true; workarounds = "opensesspriv"; session_timeout = "990ms"; };' >>"$T/nokey.conf"
chmod 600 "$T/nokey.conf"
HWCONF=$T/nokey.conf hw doctor
bmcline | grep -q '^FAIL .*oobm.password cannot be decrypted' ||
	fail "an encrypted row without CloudStack's key is not refused: $(bmcline) $(cat "$T/err")"
pass "without db.properties an encrypted oobm.password is refused with the reason"
