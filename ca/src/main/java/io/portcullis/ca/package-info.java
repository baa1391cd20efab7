/**
 * The Portcullis private CA: an offline root, one intermediate per area with name constraints,
 * vetted workload registration with one-time join tokens, issuance and renewal from PKCS#10 CSRs
 * with lineage, revocation with CRLs, and an append-only audit log. {@link
 * io.portcullis.ca.CertificateAuthority} is the in-process API; the CLI and {@code ca serve} drive
 * it.
 */
package io.portcullis.ca;
