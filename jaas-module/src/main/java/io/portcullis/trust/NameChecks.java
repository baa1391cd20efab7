package io.portcullis.trust;

import io.portcullis.identity.SubjectAltNames;
import io.portcullis.messages.CoreMessage;
import java.io.IOException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;

/**
 * The names a path's certificates carry, beyond their syntax ({@link NameSyntax}): the form of a
 * CA's name constraints (RFC 5280 4.2.1.10) and a leaf wildcard that covers a name a CA above
 * excludes.
 */
final class NameChecks {
  private NameChecks() {}

  /**
   * RFC 5280 4.2.1.10's form of name constraints: permitted or excluded subtrees present and not
   * empty, minimum 0 and no maximum, a DNS subtree named as a domain (no leading period; that form
   * belongs to URI and e-mail constraints), and an IP subtree an address with a prefix mask.
   */
  static Optional<String> constraintsShape(X509Certificate cert) {
    ASN1Sequence sequence;
    try {
      byte[] inner =
          ASN1OctetString.getInstance(cert.getExtensionValue(Certificates.OID_NAME_CONSTRAINTS))
              .getOctets();
      sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(inner));
    } catch (IOException | RuntimeException e) {
      return Optional.of("name constraints do not parse");
    }
    if (sequence.size() == 0) {
      return Optional.of("name constraints hold neither permitted nor excluded subtrees");
    }
    try {
      for (ASN1Encodable element : sequence) {
        ASN1TaggedObject tagged = ASN1TaggedObject.getInstance(element);
        ASN1Sequence subtrees = ASN1Sequence.getInstance(tagged, false);
        String kind = tagged.getTagNo() == 0 ? "permitted" : "excluded";
        if (subtrees.size() == 0) {
          return Optional.of("the " + kind + " subtrees are an empty list");
        }
        for (ASN1Encodable item : subtrees) {
          GeneralSubtree subtree = GeneralSubtree.getInstance(item);
          if (subtree.getMinimum().signum() != 0 || subtree.getMaximum() != null) {
            return Optional.of("a " + kind + " subtree has a minimum other than 0 or a maximum");
          }
          GeneralName base = subtree.getBase();
          if (base.getTagNo() == GeneralName.iPAddress) {
            Optional<String> ip =
                NameSyntax.ipSubtree(ASN1OctetString.getInstance(base.getName()).getOctets());
            if (ip.isPresent()) {
              return ip;
            }
          }
          if (base.getTagNo() == GeneralName.dNSName
              && ASN1IA5String.getInstance(base.getName()).getString().startsWith(".")) {
            return Optional.of(
                "the "
                    + kind
                    + " DNS subtree '"
                    + ASN1IA5String.getInstance(base.getName()).getString()
                    + "' has a leading period");
          }
        }
      }
    } catch (RuntimeException e) {
      return Optional.of("name constraints do not parse");
    }
    return Optional.empty();
  }

  /**
   * A wildcard DNS name stands for every name one label below its base: when a CA above excludes
   * such a name (or the base itself), the wildcard covers an excluded name, which string comparison
   * of the wildcard with the subtree does not see. Only the leaf can name a wildcard ({@link
   * NameSyntax} refuses one in a CA certificate).
   *
   * @param path the path from the leaf up, ending in the trust anchor when there is one
   */
  static Optional<TrustDecision.Rejected> wildcardUnderExcluded(List<X509Certificate> path) {
    List<String> excluded = new ArrayList<>();
    for (X509Certificate ca : path.subList(1, path.size())) {
      try {
        excluded.addAll(excludedDns(Certificates.nameConstraintsOf(ca)));
      } catch (RuntimeException e) {
        // constraints that do not parse: the profile check refuses them with their clause
      }
    }
    if (excluded.isEmpty()) {
      return Optional.empty();
    }
    X509Certificate leaf = path.get(0);
    List<SubjectAltNames.Name> names;
    try {
      names = SubjectAltNames.of(leaf);
    } catch (CertificateParsingException e) {
      return Optional.empty(); // NameSyntax has refused a leaf whose names do not parse
    }
    for (SubjectAltNames.Name name : names) {
      if (name.type() != GeneralName.dNSName || !name.value().startsWith("*.")) {
        continue;
      }
      String base = name.value().substring(2).toLowerCase(Locale.ROOT);
      for (String subtree : excluded) {
        int dot = subtree.indexOf('.');
        if (subtree.equals(base) || (dot > 0 && subtree.substring(dot + 1).equals(base))) {
          return Certificates.refuse(
              CoreMessage.WILDCARD_UNDER_EXCLUDED,
              Certificates.subject(leaf),
              name.value(),
              subtree);
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> excludedDns(NameConstraints constraints) {
    List<String> names = new ArrayList<>();
    if (constraints != null && constraints.getExcludedSubtrees() != null) {
      for (GeneralSubtree subtree : constraints.getExcludedSubtrees()) {
        if (subtree.getBase().getTagNo() == GeneralName.dNSName) {
          names.add(
              ASN1IA5String.getInstance(subtree.getBase().getName())
                  .getString()
                  .toLowerCase(Locale.ROOT));
        }
      }
    }
    return names;
  }
}
