package io.portcullis.auth;

/**
 * The credential hashtable Liberty builds a caller from, as every Portcullis adapter fills it: its
 * keys (Liberty's published {@code AttributeNameConstants}, spelt here so the core needs no Liberty
 * type) and the access IDs. The same certificate must give the same caller on every path, so the
 * formats live in one place.
 */
public final class LibertyCredential {
  public static final String UNIQUE_ID = "com.ibm.wsspi.security.cred.uniqueId";
  public static final String SECURITY_NAME = "com.ibm.wsspi.security.cred.securityName";
  public static final String REALM = "com.ibm.wsspi.security.cred.realm";
  public static final String GROUPS = "com.ibm.wsspi.security.cred.groups";
  public static final String CACHE_KEY = "com.ibm.wsspi.security.cred.cacheKey";
  public static final String USER_ID = "com.ibm.wsspi.security.cred.userId";

  private LibertyCredential() {}

  /**
   * The caller's unique ID, {@code user:<realm>/<area>/<principal>}: the same SPIFFE ID vouched for
   * by two areas is two callers to Liberty's caches, sessions and audit.
   */
  public static String uniqueId(String realm, String area, String principal) {
    return "user:" + realm + "/" + area + "/" + principal;
  }

  /** What goes before a group's name in its access ID: {@code group:<realm>/}. */
  public static String groupPrefix(String realm) {
    return "group:" + realm + "/";
  }
}
