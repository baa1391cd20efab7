package io.portcullis.trust;

/**
 * What the validated certificate will be used for, which decides the extended key usage it needs.
 */
public enum Purpose {
  /** A caller presenting a TLS client certificate: needs id-kp-clientAuth. */
  CLIENT("1.3.6.1.5.5.7.3.2"),
  /** A server we call: needs id-kp-serverAuth. */
  SERVER("1.3.6.1.5.5.7.3.1");

  private final String ekuOid;

  Purpose(String ekuOid) {
    this.ekuOid = ekuOid;
  }

  /** The OID of the extended key usage this purpose requires. */
  public String ekuOid() {
    return ekuOid;
  }
}
