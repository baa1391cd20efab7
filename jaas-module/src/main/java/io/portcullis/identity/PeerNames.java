package io.portcullis.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a certificate's subject alternative name names the peer a caller meant to reach:
 * server-identity matching (RFC 6125 for DNS names) for DNS names, e-mail addresses and IP
 * addresses. Names are compared as written; the trust core has already refused names outside RFC
 * 5280's syntax ({@code io.portcullis.trust.NameSyntax}).
 */
public final class PeerNames {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private PeerNames() {}

  /**
   * RFC 6125: case-insensitive; a wildcard only as the whole leftmost label of {@code san},
   * matching exactly one label, and only above at least two labels.
   */
  public static boolean dnsMatches(String san, String host) {
    String pattern = trimDot(san.toLowerCase(Locale.ROOT));
    String wanted = trimDot(host.toLowerCase(Locale.ROOT));
    if (pattern.equals(wanted)) {
      return true;
    }
    if (pattern.startsWith("*.") && pattern.indexOf('*', 1) < 0) {
      String parent = pattern.substring(2);
      int dot = wanted.indexOf('.');
      return dot > 0 && wanted.substring(dot + 1).equals(parent) && parent.contains(".");
    }
    return false;
  }

  /** An rfc822Name against an address: the local part exactly, the domain case-insensitively. */
  public static boolean emailMatches(String san, String address) {
    int a = san.lastIndexOf('@');
    int b = address.lastIndexOf('@');
    if (a <= 0 || b <= 0) {
      return false;
    }
    return san.substring(0, a).equals(address.substring(0, b))
        && san.substring(a + 1).equalsIgnoreCase(address.substring(b + 1));
  }

  /** Parses an IP literal, never resolving a host name; empty when {@code text} is not one. */
  public static Optional<InetAddress> ipLiteral(String text) {
    if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String trimDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
