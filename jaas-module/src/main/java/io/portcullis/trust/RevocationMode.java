package io.portcullis.trust;

/** What a trust area does when it cannot tell whether a certificate is revoked. */
public enum RevocationMode {
  /** No revocation checking (the deny-list still applies). */
  OFF,
  /** Revoked certificates are refused; an unknown status (no fresh CRL) is accepted. */
  SOFT_FAIL,
  /** Revoked certificates and certificates without a fresh CRL covering them are refused. */
  HARD_FAIL
}
