package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * RFC 5280's name syntax, checked before any name constraint or role rule sees a name. The JDK's
 * and Bouncy Castle's name-constraint engines compare strings and assume the names are already in
 * preferred name syntax: a DNS name with a trailing dot falls outside the excluded subtree it
 * means, a URI host with two trailing dots makes the JDK throw. So a subject alternative name that
 * is a DNS name outside preferred name syntax (RFC 1034 3.5 as relaxed by RFC 1123 2.1), an e-mail
 * address whose domain is not such a name, or a URI without a scheme, with user info, or with a
 * host that is not a well-formed name is refused here, with an ID per kind of name that quotes the
 * name.
 *
 * <p>Where a URI name constraint applies, RFC 5280 4.2.1.10 asks more: the URI must have a host
 * that is a fully qualified domain name ({@link Facts#uriHost}).
 */
public final class NameSyntax {
  private static final String OID_SAN = "2.5.29.17";
  private static final String OID_NAME_CONSTRAINTS = "2.5.29.30";
  private static final int MAX_DNS_NAME = 253;
  private static final int MAX_LABEL = 63;
  private static final int MAX_QUOTED = 200;
  private static final int IPV4 = 4;
  private static final int IPV6 = 16;
  private static final Pattern LDH_LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?");
  private static final Pattern URI_HOST_LABEL = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
  private static final Pattern PORT = Pattern.compile("[0-9]{0,5}");
  private static final Pattern DOTTED_NUMBERS = Pattern.compile("[0-9]+(\\.[0-9]+)*");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern LOCAL_PART = Pattern.compile("[!-?A-~]+");

  private NameSyntax() {}

  /**
   * What the trust core needs of one certificate's names, read from one parse of its subject
   * alternative names: a pure function of the certificate, so the validator remembers it.
   *
   * @param syntax the refusal for the first name outside RFC 5280's syntax, or empty
   * @param uriHost the refusal for the first URI without a domain-name host, which applies only
   *     where a URI name constraint does (RFC 5280 4.2.1.10), or empty
   * @param constrainsUris whether the certificate's own name constraints have a URI subtree
   * @param names how many names a name constraint is compared with: its subject alternative names
   *     and its subject
   * @param subtrees how many subtrees its own name constraints hold
   * @param wildcard whether it names a wildcard DNS name (only an end entity may)
   */
  record Facts(
      Optional<TrustDecision.Rejected> syntax,
      Optional<TrustDecision.Rejected> uriHost,
      boolean constrainsUris,
      int names,
      int subtrees,
      boolean wildcard) {}

  /** Reads the {@link Facts} of {@code certificate}. */
  static Facts facts(X509Certificate certificate) {
    NameConstraints constraints = nameConstraints(certificate);
    boolean constrains = constrainsUris(constraints);
    int subtrees =
        constraints == null
            ? 0
            : length(constraints.getPermittedSubtrees())
                + length(constraints.getExcludedSubtrees());
    byte[] extension = certificate.getExtensionValue(OID_SAN);
    // the subject names the certificate in a refusal: formatted only when there is a name to check
    String subject =
        constraints == null && extension == null ? "" : Certificates.subject(certificate);
    // an IP subtree the JDK cannot decode stops its path validator before the profile check
    Optional<TrustDecision.Rejected> constraintSyntax =
        constraints == null ? Optional.empty() : checkConstraints(subject, constraints);
    if (extension == null) {
      return new Facts(constraintSyntax, Optional.empty(), constrains, 1, subtrees, false);
    }
    GeneralNames names;
    try {
      names = GeneralNames.getInstance(ASN1OctetString.getInstance(extension).getOctets());
    } catch (RuntimeException e) {
      return new Facts(
          Optional.of(TrustDecision.reject(CoreMessage.SAN_UNREADABLE, subject + ": " + e)),
          Optional.empty(),
          constrains,
          1,
          subtrees,
          false);
    }
    return new Facts(
        check(subject, names, certificate.getBasicConstraints() < 0).or(() -> constraintSyntax),
        uriHosts(subject, names),
        constrains,
        names.getNames().length + 1,
        subtrees,
        hasWildcard(names));
  }

  private static boolean hasWildcard(GeneralNames names) {
    for (GeneralName name : names.getNames()) {
      if (name.getTagNo() == GeneralName.dNSName && string(name).startsWith("*.")) {
        return true;
      }
    }
    return false;
  }

  private static int length(GeneralSubtree[] subtrees) {
    return subtrees == null ? 0 : subtrees.length;
  }

  /**
   * Checks {@code names}, the subject alternative names of the certificate {@code subject} names.
   * Used directly for a certificate the JDK cannot parse, to say which name made it unreadable.
   *
   * @param endEntity whether the certificate is an end entity, the only place a wildcard DNS name
   *     may appear
   */
  public static Optional<TrustDecision.Rejected> check(
      String subject, GeneralNames names, boolean endEntity) {
    for (GeneralName name : names.getNames()) {
      Optional<String> problem;
      CoreMessage id;
      String text;
      switch (name.getTagNo()) {
        case GeneralName.dNSName -> {
          id = CoreMessage.DNS_NAME_SYNTAX;
          text = string(name);
          problem = dnsName(text, endEntity);
        }
        case GeneralName.rfc822Name -> {
          id = CoreMessage.EMAIL_SYNTAX;
          text = string(name);
          problem = mailbox(text);
        }
        case GeneralName.uniformResourceIdentifier -> {
          id = CoreMessage.URI_SYNTAX;
          text = string(name);
          problem = uri(text);
        }
        case GeneralName.iPAddress -> {
          byte[] octets = ASN1OctetString.getInstance(name.getName()).getOctets();
          if (octets.length == IPV4 || octets.length == IPV6) {
            continue;
          }
          return Optional.of(
              TrustDecision.reject(
                  CoreMessage.IP_ADDRESS_SYNTAX, subject, hex(octets), octets.length));
        }
        default -> {
          continue;
        }
      }
      if (problem.isPresent()) {
        return Optional.of(TrustDecision.reject(id, subject, quote(text), problem.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * RFC 5280 4.2.1.10's form of an IP address subtree: an IPv4 or IPv6 address followed by a mask
   * of the same length, and the mask a CIDR prefix (RFC 4632): ones, then only zeros.
   *
   * @return what is wrong with the subtree's octets, or empty
   */
  static Optional<String> ipSubtree(byte[] octets) {
    if (octets.length != 2 * IPV4 && octets.length != 2 * IPV6) {
      return Optional.of(
          "an IP subtree is "
              + octets.length
              + " octets, not an address and mask of 8 (IPv4) or 32 (IPv6)");
    }
    boolean zeros = false;
    for (int i = octets.length / 2; i < octets.length; i++) {
      for (int bit = 7; bit >= 0; bit--) {
        boolean one = (octets[i] >> bit & 1) == 1;
        if (one && zeros) {
          return Optional.of("the IP subtree " + hex(octets) + " has a mask that is not a prefix");
        }
        zeros |= !one;
      }
    }
    return Optional.empty();
  }

  /**
   * The form of the IP subtrees in name constraints the JDK could not parse, for a caller that read
   * the certificate with Bouncy Castle to say why.
   *
   * @return the refusal for the first malformed IP subtree, or empty
   */
  public static Optional<TrustDecision.Rejected> checkConstraints(
      String subject, NameConstraints constraints) {
    for (GeneralSubtree[] list :
        new GeneralSubtree[][] {
          constraints.getPermittedSubtrees(), constraints.getExcludedSubtrees()
        }) {
      for (GeneralSubtree subtree : list == null ? new GeneralSubtree[0] : list) {
        GeneralName base = subtree.getBase();
        if (base.getTagNo() != GeneralName.iPAddress) {
          continue;
        }
        Optional<String> problem =
            ipSubtree(ASN1OctetString.getInstance(base.getName()).getOctets());
        if (problem.isPresent()) {
          return Optional.of(
              TrustDecision.reject(
                  CoreMessage.EXTENSION_PROFILE_BROKEN, subject, "4.2.1.10", problem.get()));
        }
      }
    }
    return Optional.empty();
  }

  private static String hex(byte[] octets) {
    return java.util.HexFormat.ofDelimiter(":").formatHex(octets);
  }

  /**
   * RFC 5280 4.2.1.10: where a URI name constraint applies, every URI must carry a host that is a
   * fully qualified domain name (not an IP address, not a URN without authority).
   *
   * @return the refusal for the first URI without such a host, or empty
   */
  private static Optional<TrustDecision.Rejected> uriHosts(String subject, GeneralNames names) {
    for (GeneralName name : names.getNames()) {
      if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
        continue;
      }
      String uri = string(name);
      Optional<String> host = host(uri);
      Optional<String> problem =
          host.isEmpty()
              ? Optional.of("it has no host")
              : DOTTED_NUMBERS.matcher(host.get()).matches() || host.get().startsWith("[")
                  ? Optional.of("its host is an IP address")
                  : dnsName(host.get(), false).map(p -> "its host " + p);
      if (problem.isPresent()) {
        return Optional.of(
            TrustDecision.reject(
                CoreMessage.URI_HOST_UNCONSTRAINABLE, subject, quote(uri), problem.get()));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code certificate} carries name constraints with a URI subtree. */
  static boolean constrainsUris(X509Certificate certificate) {
    return constrainsUris(nameConstraints(certificate));
  }

  private static boolean constrainsUris(NameConstraints constraints) {
    return constraints != null
        && (hasUri(constraints.getPermittedSubtrees())
            || hasUri(constraints.getExcludedSubtrees()));
  }

  /**
   * The certificate's own name constraints; {@code null} when it has none, or when they do not
   * parse (the profile check refuses those with their clause).
   */
  private static NameConstraints nameConstraints(X509Certificate certificate) {
    byte[] value = certificate.getExtensionValue(OID_NAME_CONSTRAINTS);
    if (value == null) {
      return null;
    }
    try {
      return NameConstraints.getInstance(ASN1OctetString.getInstance(value).getOctets());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean hasUri(GeneralSubtree[] subtrees) {
    if (subtrees != null) {
      for (GeneralSubtree subtree : subtrees) {
        if (subtree.getBase().getTagNo() == GeneralName.uniformResourceIdentifier) {
          return true;
        }
      }
    }
    return false;
  }

  /** Preferred name syntax, with one leading {@code *} label allowed in an end entity's name. */
  static Optional<String> dnsName(String name, boolean wildcardAllowed) {
    Optional<String> bytes = controlOrNonAscii(name);
    if (bytes.isPresent()) {
      return bytes;
    }
    String rest = name;
    if (wildcardAllowed && name.startsWith("*.")) {
      rest = name.substring(2);
      if (rest.indexOf('.') < 0) {
        return Optional.of("a wildcard must stand above at least two labels");
      }
    }
    return labels(rest, LDH_LABEL, "letters, digits and inner hyphens");
  }

  private static Optional<String> labels(String name, Pattern label, String allowed) {
    if (name.isEmpty()) {
      return Optional.of("it is empty");
    }
    if (name.length() > MAX_DNS_NAME) {
      return Optional.of("it is longer than " + MAX_DNS_NAME + " characters");
    }
    if (name.endsWith(".")) {
      return Optional.of("it ends in a dot");
    }
    for (String part : name.split("\\.", -1)) {
      if (part.isEmpty()) {
        return Optional.of("it has an empty label");
      }
      if (part.length() > MAX_LABEL) {
        return Optional.of("a label is longer than " + MAX_LABEL + " characters");
      }
      if (!label.matcher(part).matches()) {
        return Optional.of("the label '" + part + "' is not made of " + allowed);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> mailbox(String address) {
    Optional<String> bytes = controlOrNonAscii(address);
    if (bytes.isPresent()) {
      return bytes;
    }
    int at = address.indexOf('@');
    if (at < 0 || at != address.lastIndexOf('@')) {
      return Optional.of("it must be local-part@domain with exactly one @");
    }
    if (!LOCAL_PART.matcher(address.substring(0, at)).matches()) {
      return Optional.of("the local part is empty or holds a space");
    }
    return dnsName(address.substring(at + 1), false).map(p -> "its domain: " + p);
  }

  private static Optional<String> uri(String uri) {
    Optional<String> bytes = controlOrNonAscii(uri);
    if (bytes.isPresent()) {
      return bytes;
    }
    int colon = uri.indexOf(':');
    if (colon <= 0 || !SCHEME.matcher(uri.substring(0, colon)).matches()) {
      return Optional.of("it has no scheme (a relative URI)");
    }
    if (colon == uri.length() - 1) {
      return Optional.of("it has nothing after its scheme");
    }
    String authority = authority(uri, colon);
    if (authority == null) {
      return Optional.empty(); // a URN or similar: no host to check unless a constraint applies
    }
    if (authority.indexOf('@') >= 0) {
      return Optional.of("it has user info in front of its host");
    }
    String host;
    String port;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return Optional.of("its IP literal has no closing bracket");
      }
      host = authority.substring(1, close);
      port = authority.substring(close + 1);
      if (!IP_LITERAL.matcher(host).matches()) {
        return Optional.of("its IP literal is not an IPv6 or IPv4 address");
      }
    } else {
      int portColon = authority.indexOf(':');
      host = portColon < 0 ? authority : authority.substring(0, portColon);
      port = portColon < 0 ? "" : authority.substring(portColon);
      Optional<String> problem = labels(host, URI_HOST_LABEL, "letters, digits, '-' and '_'");
      if (problem.isPresent()) {
        return problem.map(p -> "its host " + p);
      }
    }
    if (!port.isEmpty() && !(port.charAt(0) == ':' && PORT.matcher(port.substring(1)).matches())) {
      return Optional.of("its port is not a number");
    }
    return Optional.empty();
  }

  /** The host of {@code uri} (without port), or empty when it has no authority. */
  private static Optional<String> host(String uri) {
    int colon = uri.indexOf(':');
    String authority = colon <= 0 ? null : authority(uri, colon);
    if (authority == null || authority.indexOf('@') >= 0) {
      return Optional.empty();
    }
    if (authority.startsWith("[")) {
      return Optional.of(authority);
    }
    int portColon = authority.indexOf(':');
    String host = portColon < 0 ? authority : authority.substring(0, portColon);
    return host.isEmpty() ? Optional.empty() : Optional.of(host.toLowerCase(Locale.ROOT));
  }

  /** The authority after {@code scheme://}, or {@code null} when the URI has none. */
  private static String authority(String uri, int colon) {
    if (!uri.startsWith("//", colon + 1)) {
      return null;
    }
    int start = colon + 3;
    int end = start;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    return uri.substring(start, end);
  }

  private static Optional<String> controlOrNonAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return Optional.of(
            String.format(Locale.ROOT, "it holds the character 0x%02X at position %d", (int) c, i));
      }
    }
    return Optional.empty();
  }

  private static String string(GeneralName name) {
    return ((ASN1String) name.getName()).getString();
  }

  /** The name as it can be logged: control and non-ASCII characters escaped, long names cut. */
  static String quote(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && out.length() < MAX_QUOTED; i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= MAX_QUOTED) {
      out.append("...");
    }
    return out.toString();
  }
}
