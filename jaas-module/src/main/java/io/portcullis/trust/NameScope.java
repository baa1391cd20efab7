package io.portcullis.trust;

import io.portcullis.identity.SpiffeId;
import io.portcullis.identity.SubjectAltNames;
import io.portcullis.messages.PortcullisException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * The names a trust area may vouch for, whatever its CA signs: SPIFFE IDs under the area's prefixes
 * (a trust domain and path) and DNS names in its subtrees. A declared scope lists every name the
 * area may vouch for: a URI SAN outside the prefixes, or a DNS SAN outside the subtrees (any DNS
 * SAN when the area lists none), puts the certificate outside the area, and so does a leaf with no
 * SPIFFE ID or DNS name at all (its subject DN, which any CA can write, is no name a scope covers).
 * An area that declares nothing is {@link #open() open}: its CA's signature is the only bound (and
 * its name constraints).
 *
 * @param spiffePrefixes SPIFFE IDs the area's IDs must equal or lie under, e.g. {@code
 *     spiffe://corp.example/payments} (a trust domain alone covers the whole domain)
 * @param dnsSubtrees DNS names the area's DNS SANs must equal or lie under (RFC 5280 dNSName
 *     subtrees: {@code payments.corp.example} covers {@code api.payments.corp.example})
 */
public record NameScope(List<SpiffeId> spiffePrefixes, List<String> dnsSubtrees) {
  private static final NameScope OPEN = new NameScope(List.of(), List.of());

  public NameScope {
    spiffePrefixes = List.copyOf(spiffePrefixes);
    dnsSubtrees = dnsSubtrees.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
  }

  /** The scope of an area that declares none. */
  public static NameScope open() {
    return OPEN;
  }

  /**
   * A scope from configuration text: SPIFFE ID prefixes ({@code spiffe://corp.example/payments}, a
   * trailing {@code /} or {@code /*} allowed) and DNS subtrees.
   *
   * @throws PortcullisException {@code PRTC0201E} for a prefix that is no SPIFFE ID
   */
  public static NameScope of(Collection<String> prefixes, Collection<String> dnsSubtrees)
      throws PortcullisException {
    List<SpiffeId> ids = new ArrayList<>();
    for (String prefix : prefixes) {
      String text = prefix.strip();
      if (text.endsWith("/*")) {
        text = text.substring(0, text.length() - 2);
      }
      while (text.endsWith("/")) {
        text = text.substring(0, text.length() - 1);
      }
      ids.add(SpiffeId.parse(text));
    }
    return new NameScope(ids, List.copyOf(dnsSubtrees));
  }

  /** The scope as an operator reads it: {@code spiffe://corp/payments, DNS payments.corp}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    spiffePrefixes.forEach(id -> parts.add(id.toString()));
    dnsSubtrees.forEach(name -> parts.add("DNS " + name));
    return isOpen() ? "open" : String.join(", ", parts);
  }

  /** Whether the area declared no scope. */
  public boolean isOpen() {
    return spiffePrefixes.isEmpty() && dnsSubtrees.isEmpty();
  }

  /**
   * The first subject alternative name of {@code leaf} that lies outside this scope ({@code the URI
   * ...} or {@code the DNS name ...}, as the certificate spells it), {@code an unreadable
   * subjectAltName}, or {@code no SPIFFE ID or DNS name ...} for a leaf with neither; empty when
   * every name is inside and there is one, or the scope is open.
   */
  public Optional<String> outside(X509Certificate leaf) {
    if (isOpen()) {
      return Optional.empty();
    }
    List<SubjectAltNames.Name> names;
    try {
      names = SubjectAltNames.of(leaf);
    } catch (CertificateParsingException e) {
      return Optional.of("an unreadable subjectAltName");
    }
    PKIXNameConstraintValidator dns = null;
    boolean named = false;
    for (SubjectAltNames.Name name : names) {
      if (name.type() == GeneralName.uniformResourceIdentifier) {
        if (!inSpiffePrefixes(name.value())) {
          return Optional.of("the URI " + name.value());
        }
        named = true;
      }
      if (name.type() == GeneralName.dNSName) {
        named = true;
        if (dns == null) {
          dns = dnsValidator();
        }
        if (!inDnsSubtrees(dns, name.value())) {
          return Optional.of("the DNS name " + name.value());
        }
      }
    }
    // Without a SPIFFE ID or DNS name the caller's principal is its subject DN, which any CA can
    // write: a scoped area vouches only for names in its scope, so it needs one of them.
    return named ? Optional.empty() : Optional.of("no SPIFFE ID or DNS name, only its subject DN,");
  }

  private boolean inSpiffePrefixes(String uri) {
    if (!SpiffeId.looksLikeSpiffe(uri)) {
      return false;
    }
    SpiffeId id;
    try {
      id = SpiffeId.parse(uri);
    } catch (PortcullisException e) {
      return false;
    }
    for (SpiffeId prefix : spiffePrefixes) {
      if (prefix.trustDomain().equals(id.trustDomain())
          && (prefix.path().isEmpty()
              || id.path().equals(prefix.path())
              || id.path().startsWith(prefix.path() + "/"))) {
        return true;
      }
    }
    return false;
  }

  private PKIXNameConstraintValidator dnsValidator() {
    PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
    GeneralSubtree[] subtrees =
        dnsSubtrees.stream()
            .map(name -> new GeneralSubtree(new GeneralName(GeneralName.dNSName, name)))
            .toArray(GeneralSubtree[]::new);
    if (subtrees.length > 0) {
      validator.intersectPermittedSubtree(subtrees);
    }
    return validator;
  }

  private boolean inDnsSubtrees(PKIXNameConstraintValidator validator, String name) {
    // No DNS subtree of one's own means no DNS name at all (an empty permitted set would be read
    // as "no constraint" by the validator).
    if (dnsSubtrees.isEmpty() || name.isEmpty()) {
      return false;
    }
    try {
      validator.checkPermitted(new GeneralName(GeneralName.dNSName, name));
      return true;
    } catch (NameConstraintValidatorException | IllegalArgumentException e) {
      return false;
    }
  }
}
