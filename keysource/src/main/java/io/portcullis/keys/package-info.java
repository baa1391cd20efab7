/**
 * Where a TLS private key lives (a PKCS#12 file, a PKCS#11 token, a TPM 2.0 through tpm2-pkcs11)
 * and how it reaches JSSE: keys generated inside the token, CSRs signed by the token, and a key
 * manager that swaps validated credentials in one reference write.
 */
package io.portcullis.keys;
