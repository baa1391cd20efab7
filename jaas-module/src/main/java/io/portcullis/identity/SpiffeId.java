package io.portcullis.identity;

import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain>/<path>}, parsed once and validated at the boundary
 * following the SPIFFE ID specification: lower-case trust domain of letters, digits, dots, dashes
 * and underscores, at most 255 characters, without a leading or trailing dot or an empty label; at
 * most 2,048 characters in all; a path of non-empty segments without {@code .} or {@code ..}; no
 * query, fragment, port or user info.
 */
public final class SpiffeId {
  private static final String SCHEME = "spiffe://";
  private static final Pattern TRUST_DOMAIN = Pattern.compile("[a-z0-9._-]+");
  private static final int MAX_TRUST_DOMAIN = 255;
  private static final int MAX_ID = 2048;
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

  private final String trustDomain;
  private final String path;

  private SpiffeId(String trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
  }

  /**
   * Parses {@code uri} as a SPIFFE ID.
   *
   * @throws PortcullisException {@code PRTC0201E} naming the rule the input breaks
   */
  public static SpiffeId parse(String uri) throws PortcullisException {
    if (uri == null || uri.isEmpty()) {
      throw CoreMessage.SPIFFE_ID_INVALID.exception(String.valueOf(uri), "it is empty");
    }
    if (!uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !uri.startsWith(SCHEME.toLowerCase(Locale.ROOT))) {
      throw CoreMessage.SPIFFE_ID_INVALID.exception(uri, "the scheme must be spiffe://");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String domain = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    if (domain.isEmpty() || !TRUST_DOMAIN.matcher(domain).matches()) {
      throw CoreMessage.SPIFFE_ID_INVALID.exception(
          uri,
          "the trust domain must be lower-case letters, digits, '.', '-' or '_' (no port or user"
              + " info)");
    }
    if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
      // "corp." and "corp" must never be two names for one domain, nor one name for two.
      throw CoreMessage.SPIFFE_ID_INVALID.exception(
          uri, "the trust domain must not start or end with a dot or hold an empty label");
    }
    if (domain.length() > MAX_TRUST_DOMAIN || uri.length() > MAX_ID) {
      throw CoreMessage.SPIFFE_ID_INVALID.exception(
          uri,
          "a trust domain is at most "
              + MAX_TRUST_DOMAIN
              + " characters and a SPIFFE ID at most "
              + MAX_ID);
    }
    if (!path.isEmpty()) {
      for (String segment : path.substring(1).split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw CoreMessage.SPIFFE_ID_INVALID.exception(
              uri, "path segments must not be empty, '.' or '..'");
        }
        if (!SEGMENT.matcher(segment).matches()) {
          throw CoreMessage.SPIFFE_ID_INVALID.exception(
              uri, "path segments may hold only letters, digits, '.', '-' and '_'");
        }
      }
    }
    return new SpiffeId(domain, path);
  }

  /** True when {@code uri} starts with the SPIFFE scheme (it may still be invalid). */
  public static boolean looksLikeSpiffe(String uri) {
    return uri != null && uri.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  public String trustDomain() {
    return trustDomain;
  }

  /** The path, starting with {@code /}, or empty for the trust domain's own ID. */
  public String path() {
    return path;
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + path;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeId other
        && trustDomain.equals(other.trustDomain)
        && path.equals(other.path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trustDomain, path);
  }
}
