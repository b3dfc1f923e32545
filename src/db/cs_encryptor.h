/*
 * cs_encryptor.h -- decrypt values CloudStack encrypted with its
 * CloudStackEncryptor (db.properties ENC(...) values, @Encrypt columns
 * such as oobm.password).
 *
 * Two schemes, both keyed by a secret string (the management server key,
 * or db.cloud.encrypt.secret for database columns):
 *   V2  AES-256-GCM, key = SHA-256(secret), empty AAD,
 *       value = base64(IV(12) || ciphertext || tag(16))   (Tink AesGcmJce)
 *   V1  jasypt 1.9.3 StandardPBEStringEncryptor, PBEWithMD5AndDES with its
 *       defaults: 1000 iterations, 8-byte random salt, no separate IV;
 *       value = base64(salt(8) || DES-CBC ciphertext), key and IV are the
 *       two halves of PBKDF1-MD5(secret, salt, 1000).
 * With no version given, V2 is tried first and then V1, CloudStack's own
 * order (CloudStackEncryptor.decrypt with no configured version).
 *
 * All crypto is OpenSSL libcrypto; DES comes from its "legacy" provider,
 * loaded into a private library context (never the global one).
 *
 * Errors say what failed (bad base64, too short, authentication failed,
 * bad padding) and never contain the secret, the value or the plaintext.
 * Returns: 0, or -1 with err filled.
 */
#ifndef HAWATCH_CS_ENCRYPTOR_H
#define HAWATCH_CS_ENCRYPTOR_H

#include <stddef.h>

enum cs_enc_version {
	CS_ENC_ANY = 0,		/* V2, then V1 (CloudStack's default) */
	CS_ENC_V1,
	CS_ENC_V2
};

/* "", "v1", "v2" (any case), as db.cloud.encryptor.version */
int	cs_enc_version_parse(const char *s, enum cs_enc_version *out,
	    char *err, size_t errlen);

/*
 * Decrypt one base64 value (no ENC() wrapper) with secret.  out receives
 * the NUL-terminated plaintext; a plaintext holding a NUL byte, invalid
 * UTF-8 or not fitting in outlen is an error.
 */
int	cs_decrypt(const char *secret, enum cs_enc_version ver,
	    const char *b64, char *out, size_t outlen, char *err,
	    size_t errlen);

/* ENC(...) -> decrypted (V2 then V1); any other value copied as is. */
int	cs_decrypt_property(const char *secret, const char *value, char *out,
	    size_t outlen, char *err, size_t errlen);

/* Is value of the form ENC(...)? */
int	cs_is_enc(const char *value);

#endif
