/*
 * cs_encryptor.c -- CloudStack's V2 (AES-GCM) and V1 (jasypt
 * PBEWithMD5AndDES) decryption on OpenSSL libcrypto; see cs_encryptor.h
 * for the formats and the order they are tried in.
 *
 * Checked against CloudStack 4.22: utils/.../crypt/CloudStackEncryptor.java
 * (V2 then V1 when no version is configured), AeadBase64Encryptor.java
 * (SHA-256 of the secret's UTF-8 bytes as the AES key, empty AAD, Tink's
 * IV || ct || tag layout), LegacyBase64Encryptor.java (jasypt 1.9.3 with
 * an empty SimpleStringPBEConfig: defaults throughout).
 *
 * The secret is used as its bytes.  Java derives the V1 key from the low
 * byte of each char, so the two agree for ASCII secrets, which is what
 * CloudStack's setup scripts generate.  Key material is wiped after use.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "cs_encryptor.h"

#define CS_GCM_IV_LEN	12	/* Tink AesGcmJce IV size */
#define CS_GCM_TAG_LEN	16
#define CS_PBE_SALT_LEN	8	/* jasypt: salt size = DES block size */
#define CS_PBE_ITER	1000	/* jasypt DEFAULT_KEY_OBTENTION_ITERATIONS */
#define CS_DES_BLOCK	8
#define CS_MAX_VALUE	4096	/* decoded bytes; columns are <= 255 */

static void
cs_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
cs_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
cs_enc_version_parse(const char *s, enum cs_enc_version *out, char *err,
    size_t errlen)
{
	if (s == NULL || *s == '\0')
		*out = CS_ENC_ANY;
	else if (strcasecmp(s, "v1") == 0)
		*out = CS_ENC_V1;
	else if (strcasecmp(s, "v2") == 0)
		*out = CS_ENC_V2;
	else {
		cs_err(err, errlen, "invalid encryptor version \"%.16s\": "
		    "valid are V1, V2 or empty", s);
		return -1;
	}
	return 0;
}

int
cs_is_enc(const char *v)
{
	size_t	n = strlen(v);

	return n >= 5 && strncmp(v, "ENC(", 4) == 0 && v[n - 1] == ')';
}

static int
b64_char(int c)
{
	return isalnum(c) || c == '+' || c == '/';
}

/*
 * Strict standard base64 (Java's Base64.getDecoder): alphabet A-Z a-z
 * 0-9 + /, '=' padding only at the end and optional.  The checks are
 * ours; the decoding itself is EVP_DecodeBlock.
 */
static int
b64_decode(const char *in, unsigned char *out, size_t outcap, size_t *outlen,
    char *err, size_t errlen)
{
	char	buf[CS_MAX_VALUE / 3 * 4 + 8];
	size_t	n = strlen(in), body = 0, pad = 0, i;
	int	got;

	while (body < n && b64_char((unsigned char)in[body]))
		body++;
	while (body + pad < n && in[body + pad] == '=' && pad < 2)
		pad++;
	if (body + pad != n) {
		cs_err(err, errlen, "bad base64: unexpected character at "
		    "offset %zu", body + pad);
		return -1;
	}
	if (body == 0 || body % 4 == 1 || (pad > 0 && (body + pad) % 4)) {
		cs_err(err, errlen, "bad base64: wrong length %zu", n);
		return -1;
	}
	if (body + 4 > sizeof(buf)) {
		cs_err(err, errlen, "value too long (%zu base64 chars)", n);
		return -1;
	}
	memcpy(buf, in, body);
	for (i = body; i % 4; i++)
		buf[i] = '=';
	buf[i] = '\0';
	got = EVP_DecodeBlock((unsigned char *)buf, (unsigned char *)buf,
	    (int)i);
	if (got < 0) {
		cs_err(err, errlen, "bad base64");
		return -1;
	}
	/* EVP_DecodeBlock counts padding as zero bytes: take them off */
	*outlen = (size_t)got - (i - body == 2 ? 2 : i - body == 1 ? 1 : 0);
	if (*outlen > outcap) {
		cs_err(err, errlen, "value too long");
		return -1;
	}
	memcpy(out, buf, *outlen);
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

/* Valid UTF-8, no NUL: a wrong V1 key that happens to unpad fails here */
static int
plain_ok(const unsigned char *p, size_t n)
{
	size_t	i = 0, k, more;

	while (i < n) {
		unsigned char c = p[i];

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return 0;
		if (i + more >= n)
			return 0;
		for (k = 1; k <= more; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
		i += more + 1;
	}
	return 1;
}

static int
put_plain(const unsigned char *p, size_t n, char *out, size_t outlen,
    char *err, size_t errlen)
{
	if (!plain_ok(p, n)) {
		cs_err(err, errlen, "decrypted value is not text (wrong key?)");
		return -1;
	}
	if (n + 1 > outlen) {
		cs_err(err, errlen, "decrypted value longer than %zu bytes",
		    outlen - 1);
		return -1;
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

static int
decrypt_v2(const char *secret, const unsigned char *raw, size_t rawlen,
    char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned char	 key[32], pt[CS_MAX_VALUE];
	unsigned int	 keylen = 0;
	EVP_CIPHER_CTX	*c = NULL;
	int		 n = 0, fin = 0, rc = -1;
	size_t		 ctlen;

	if (rawlen < CS_GCM_IV_LEN + CS_GCM_TAG_LEN) {
		cs_err(err, errlen, "V2: value too short (%zu bytes, need at "
		    "least %d)", rawlen, CS_GCM_IV_LEN + CS_GCM_TAG_LEN);
		return -1;
	}
	ctlen = rawlen - CS_GCM_IV_LEN - CS_GCM_TAG_LEN;
	if (EVP_Digest(secret, strlen(secret), key, &keylen, EVP_sha256(),
	    NULL) != 1 || (c = EVP_CIPHER_CTX_new()) == NULL) {
		cs_err(err, errlen, "V2: OpenSSL setup failed");
		goto out;
	}
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, CS_GCM_IV_LEN,
	    NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, raw) != 1 ||
	    EVP_DecryptUpdate(c, pt, &n, raw + CS_GCM_IV_LEN,
	    (int)ctlen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CS_GCM_TAG_LEN,
	    (void *)(raw + rawlen - CS_GCM_TAG_LEN)) != 1) {
		cs_err(err, errlen, "V2: OpenSSL AES-GCM failed");
		goto out;
	}
	if (EVP_DecryptFinal_ex(c, pt + n, &fin) != 1) {
		cs_err(err, errlen, "V2: authentication failed (wrong key or "
		    "damaged value)");
		goto out;
	}
	rc = put_plain(pt, (size_t)n + (size_t)fin, out, outlen, err, errlen);
	if (rc == -1) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "V2: %s", err);
		cs_err(err, errlen, "%s", tmp);
	}
out:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

/* PKCS#5 v1.5 PBKDF1 with MD5: D = MD5^iter(secret || salt); key, IV */
static int
pbkdf1_md5(const char *secret, const unsigned char *salt, unsigned char dk[16])
{
	EVP_MD_CTX	*m = EVP_MD_CTX_new();
	unsigned int	 len = 0;
	int		 i, ok;

	ok = m != NULL && EVP_DigestInit_ex(m, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(m, secret, strlen(secret)) == 1 &&
	    EVP_DigestUpdate(m, salt, CS_PBE_SALT_LEN) == 1 &&
	    EVP_DigestFinal_ex(m, dk, &len) == 1;
	for (i = 1; ok && i < CS_PBE_ITER; i++)
		ok = EVP_Digest(dk, 16, dk, &len, EVP_md5(), NULL) == 1;
	EVP_MD_CTX_free(m);
	return ok ? 0 : -1;
}

static int
decrypt_v1(const char *secret, const unsigned char *raw, size_t rawlen,
    char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned char	 dk[16], pt[CS_MAX_VALUE];
	OSSL_LIB_CTX	*lib = NULL;
	OSSL_PROVIDER	*legacy = NULL, *deflt = NULL;
	EVP_CIPHER	*des = NULL;
	EVP_CIPHER_CTX	*c = NULL;
	int		 n = 0, fin = 0, rc = -1;
	size_t		 ctlen = rawlen - CS_PBE_SALT_LEN;

	if (rawlen < CS_PBE_SALT_LEN + CS_DES_BLOCK ||
	    ctlen % CS_DES_BLOCK != 0) {
		cs_err(err, errlen, "V1: value has a wrong length (%zu bytes: "
		    "8 salt bytes and whole 8-byte blocks expected)", rawlen);
		return -1;
	}
	if ((lib = OSSL_LIB_CTX_new()) == NULL ||
	    (legacy = OSSL_PROVIDER_load(lib, "legacy")) == NULL ||
	    (deflt = OSSL_PROVIDER_load(lib, "default")) == NULL ||
	    (des = EVP_CIPHER_fetch(lib, "DES-CBC", NULL)) == NULL) {
		cs_err(err, errlen, "V1: DES-CBC unavailable (OpenSSL legacy "
		    "provider not found)");
		goto out;
	}
	if (pbkdf1_md5(secret, raw, dk) == -1 ||
	    (c = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_DecryptInit_ex2(c, des, dk, dk + 8, NULL) != 1 ||
	    EVP_DecryptUpdate(c, pt, &n, raw + CS_PBE_SALT_LEN,
	    (int)ctlen) != 1) {
		cs_err(err, errlen, "V1: OpenSSL DES-CBC failed");
		goto out;
	}
	if (EVP_DecryptFinal_ex(c, pt + n, &fin) != 1) {
		cs_err(err, errlen, "V1: bad padding (wrong key or damaged "
		    "value)");
		goto out;
	}
	rc = put_plain(pt, (size_t)n + (size_t)fin, out, outlen, err, errlen);
	if (rc == -1) {
		char tmp[256];

		snprintf(tmp, sizeof(tmp), "V1: %s", err);
		cs_err(err, errlen, "%s", tmp);
	}
out:
	EVP_CIPHER_CTX_free(c);
	EVP_CIPHER_free(des);
	if (deflt != NULL)
		OSSL_PROVIDER_unload(deflt);
	if (legacy != NULL)
		OSSL_PROVIDER_unload(legacy);
	OSSL_LIB_CTX_free(lib);
	OPENSSL_cleanse(dk, sizeof(dk));
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

int
cs_decrypt(const char *secret, enum cs_enc_version ver, const char *b64,
    char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned char	raw[CS_MAX_VALUE];
	size_t		rawlen = 0;
	char		e2[192], e1[192];
	int		rc;

	if (secret == NULL || *secret == '\0') {
		cs_err(err, errlen, "empty secret key");
		return -1;
	}
	if (b64_decode(b64, raw, sizeof(raw), &rawlen, err, errlen) == -1)
		return -1;
	if (ver == CS_ENC_V2)
		rc = decrypt_v2(secret, raw, rawlen, out, outlen, err, errlen);
	else if (ver == CS_ENC_V1)
		rc = decrypt_v1(secret, raw, rawlen, out, outlen, err, errlen);
	else {
		rc = decrypt_v2(secret, raw, rawlen, out, outlen, e2,
		    sizeof(e2));
		if (rc == -1)
			rc = decrypt_v1(secret, raw, rawlen, out, outlen, e1,
			    sizeof(e1));
		if (rc == -1)
			cs_err(err, errlen, "cannot decrypt: %s; %s", e2, e1);
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

int
cs_decrypt_property(const char *secret, const char *value, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char	inner[CS_MAX_VALUE / 3 * 4 + 8];
	size_t	n = strlen(value);
	int	rc;

	if (!cs_is_enc(value)) {
		if (n + 1 > outlen) {
			cs_err(err, errlen, "value longer than %zu bytes",
			    outlen - 1);
			return -1;
		}
		memcpy(out, value, n + 1);
		return 0;
	}
	if (n - 5 + 1 > sizeof(inner)) {
		cs_err(err, errlen, "ENC() value too long");
		return -1;
	}
	if (n == 5) {			/* ENC(): CloudStack returns "" */
		out[0] = '\0';
		return 0;
	}
	memcpy(inner, value + 4, n - 5);
	inner[n - 5] = '\0';
	rc = cs_decrypt(secret, CS_ENC_ANY, inner, out, outlen, err, errlen);
	OPENSSL_cleanse(inner, sizeof(inner));
	return rc;
}
