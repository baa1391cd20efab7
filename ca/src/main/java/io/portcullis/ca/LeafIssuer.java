package io.portcullis.ca;

import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Signs workload certificates for one area from PKCS#10 CSRs. It checks what the CSR can prove or
 * ask for (proof of possession, key type and strength, names) against a {@link LeafProfile}; the
 * caller ({@link CertificateAuthority}) has already checked who may ask. Thread-safe: every call
 * builds its own signer.
 */
public final class LeafIssuer {
  /** How far back notBefore is set at most, for peers whose clocks run behind. */
  private static final Duration MAX_SKEW = Duration.ofSeconds(60);

  private final X509Certificate issuerCertificate;
  private final PrivateKey issuerKey;
  private final String signatureAlgorithm;
  private final SigningProvider signing;
  private final String crlUrl;
  private final AuthorityKeyIdentifier authorityKeyIdentifier;

  /**
   * @param issuerCertificate the area's intermediate certificate
   * @param issuerKey its private key
   * @param signing which provider signs (ignored for keys that live in a token)
   * @param crlUrl the area CRL's URL, written as the leaf's CRL distribution point
   */
  public LeafIssuer(
      X509Certificate issuerCertificate,
      PrivateKey issuerKey,
      SigningProvider signing,
      String crlUrl) {
    this.issuerCertificate = Objects.requireNonNull(issuerCertificate, "issuerCertificate");
    this.signing = Objects.requireNonNull(signing, "signing");
    this.issuerKey = inProvider(Objects.requireNonNull(issuerKey, "issuerKey"), signing);
    this.crlUrl = Objects.requireNonNull(crlUrl, "crlUrl");
    try {
      this.signatureAlgorithm = KeyType.of(issuerCertificate.getPublicKey()).signatureAlgorithm();
      this.authorityKeyIdentifier =
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuerCertificate);
    } catch (PortcullisException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("unusable issuer certificate: " + e.getMessage(), e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("unusable issuer certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The key as the signing provider's own key object. Bouncy Castle converts a foreign EC key on
   * every signature into a fresh curve object, which discards its precomputed multiples of the
   * generator; its own named-curve key keeps them. That is most of the cost of a signature.
   */
  private static PrivateKey inProvider(PrivateKey key, SigningProvider signing) {
    if (signing.provider() == null || key.getEncoded() == null) {
      return key;
    }
    try {
      return java.security.KeyFactory.getInstance(key.getAlgorithm(), signing.provider())
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable issuer key: " + e.getMessage(), e);
    }
  }

  public X509Certificate issuerCertificate() {
    return issuerCertificate;
  }

  /** Parses a DER CSR; {@code PRTC0414E} when it is not one. */
  public static PKCS10CertificationRequest parseCsr(byte[] der) throws PortcullisException {
    try {
      return new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw CaMessage.REQUEST_UNREADABLE.causedBy(e, e.getMessage());
    }
  }

  /** Checks the CSR's self-signature: the requester holds the private key. */
  public void verifyProofOfPossession(PKCS10CertificationRequest csr) throws PortcullisException {
    PublicKey key;
    try {
      key = publicKey(csr);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw CaMessage.REQUEST_SIGNATURE_INVALID.causedBy(e, subjectOf(csr) + " (unreadable key)");
    }
    verifyProofOfPossession(csr, key);
  }

  private PublicKey publicKey(PKCS10CertificationRequest csr)
      throws java.security.GeneralSecurityException {
    JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(csr);
    if (signing.provider() != null) {
      request.setProvider(signing.provider());
    }
    return request.getPublicKey();
  }

  private void verifyProofOfPossession(PKCS10CertificationRequest csr, PublicKey key)
      throws PortcullisException {
    try {
      JcaContentVerifierProviderBuilder builder = new JcaContentVerifierProviderBuilder();
      if (signing.provider() != null) {
        builder.setProvider(signing.provider());
      }
      if (!csr.isSignatureValid(builder.build(key))) {
        throw CaMessage.REQUEST_SIGNATURE_INVALID.exception(subjectOf(csr));
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw CaMessage.REQUEST_SIGNATURE_INVALID.causedBy(
          e, subjectOf(csr) + " (" + e.getMessage() + ")");
    }
  }

  /** The CSR's public key, checked against the profile's key type and the policy floor. */
  public PublicKey checkKey(PKCS10CertificationRequest csr, KeyType wanted)
      throws PortcullisException {
    PublicKey key;
    try {
      key = publicKey(csr);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw CaMessage.KEY_NOT_ALLOWED.causedBy(e, "unreadable key", wanted.label());
    }
    if (KeyType.find(key).orElse(null) != wanted) {
      throw CaMessage.KEY_NOT_ALLOWED.exception(KeyType.describe(key), wanted.label());
    }
    return key;
  }

  /**
   * The DNS names to issue: those the CSR asks for, each of which must be registered. A CSR that
   * asks for nothing gets all registered names. Any other name (another URI, an IP address, an
   * email, a subject CN that is neither the SPIFFE ID nor a registered DNS name) is refused.
   */
  public static List<String> checkNames(PKCS10CertificationRequest csr, LeafProfile profile)
      throws PortcullisException {
    List<String> refused = new ArrayList<>();
    Set<String> dns = new LinkedHashSet<>();
    boolean askedForAny = false;
    for (Attribute attribute :
        csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (ASN1Encodable value : attribute.getAttributeValues()) {
        Extensions extensions;
        try {
          extensions = Extensions.getInstance(value);
        } catch (IllegalArgumentException e) {
          throw CaMessage.REQUEST_UNREADABLE.causedBy(e, "malformed extension request");
        }
        GeneralNames names;
        try {
          names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
        } catch (IllegalArgumentException e) {
          throw CaMessage.REQUEST_UNREADABLE.causedBy(e, "malformed subjectAltName request");
        }
        if (names == null) {
          continue;
        }
        for (GeneralName name : names.getNames()) {
          askedForAny = true;
          String text = name.getName().toString();
          switch (name.getTagNo()) {
            case GeneralName.uniformResourceIdentifier -> {
              if (!text.equals(profile.spiffeId())) {
                refused.add("URI:" + text);
              }
            }
            case GeneralName.dNSName -> {
              String lower = text.toLowerCase(Locale.ROOT);
              if (profile.dnsNames().contains(lower)) {
                dns.add(lower);
              } else {
                refused.add("DNS:" + text);
              }
            }
            default -> refused.add(kind(name.getTagNo()) + ":" + text);
          }
        }
      }
    }
    for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
      String cn = IETFUtils.valueToString(rdn.getFirst().getValue());
      if (!cn.equals(profile.spiffeId())
          && !profile.dnsNames().contains(cn.toLowerCase(Locale.ROOT))) {
        refused.add("CN:" + cn);
      }
    }
    if (!refused.isEmpty()) {
      throw CaMessage.NAMES_OUTSIDE_REGISTRATION.exception(
          String.join(", ", refused), profile.spiffeId(), profile.dnsNames());
    }
    return askedForAny ? List.copyOf(dns) : profile.dnsNames();
  }

  private static String kind(int tag) {
    return switch (tag) {
      case GeneralName.iPAddress -> "IP";
      case GeneralName.rfc822Name -> "email";
      case GeneralName.directoryName -> "DN";
      default -> "name type " + tag;
    };
  }

  /**
   * Checks {@code csr} against {@code profile} and signs a leaf. {@code lifetime} null means the
   * profile's maximum; longer than the maximum is refused ({@code PRTC0426E}); the validity never
   * outlasts the issuer's own.
   *
   * @param previousSha256 the replaced certificate's SHA-256 for a renewal, or null
   */
  public X509Certificate issue(
      PKCS10CertificationRequest csr,
      LeafProfile profile,
      Duration lifetime,
      Instant now,
      byte[] previousSha256,
      SecureRandom random)
      throws PortcullisException {
    // The key first: a key of the wrong type or strength is refused before any signature work.
    PublicKey key = checkKey(csr, profile.keyType());
    verifyProofOfPossession(csr, key);
    List<String> dns = checkNames(csr, profile);
    Duration wanted = lifetime == null ? profile.maxLifetime() : lifetime;
    if (wanted.isNegative() || wanted.isZero() || wanted.compareTo(profile.maxLifetime()) > 0) {
      throw CaMessage.LIFETIME_NOT_ALLOWED.exception(wanted, profile.maxLifetime());
    }
    // Back-date for clock skew (a minute, or a tenth of a short lifetime, so a one-minute
    // certificate is not born half spent); the whole validity still equals the granted lifetime.
    Duration skew = wanted.dividedBy(10).compareTo(MAX_SKEW) < 0 ? wanted.dividedBy(10) : MAX_SKEW;
    Instant notBefore = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minus(skew);
    Instant notAfter = notBefore.plus(wanted);
    Instant issuerEnd = issuerCertificate.getNotAfter().toInstant();
    if (notAfter.isAfter(issuerEnd)) {
      notAfter = issuerEnd;
    }
    if (!notAfter.isAfter(now)) {
      throw CaMessage.INTERMEDIATE_EXPIRED.exception(
          issuerCertificate.getSubjectX500Principal(), issuerEnd);
    }
    return sign(
        csr.getSubjectPublicKeyInfo(), profile, dns, notBefore, notAfter, previousSha256, random);
  }

  private X509Certificate sign(
      SubjectPublicKeyInfo key,
      LeafProfile profile,
      List<String> dns,
      Instant notBefore,
      Instant notAfter,
      byte[] previousSha256,
      SecureRandom random)
      throws PortcullisException {
    try {
      X509v3CertificateBuilder builder =
          new X509v3CertificateBuilder(
              X500Name.getInstance(issuerCertificate.getSubjectX500Principal().getEncoded()),
              serial(random),
              java.util.Date.from(notBefore),
              java.util.Date.from(notAfter),
              new X500Name(profile.subjectDn()),
              key);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int keyUsage = KeyUsage.digitalSignature;
      if (profile.keyType().isRsa()) {
        keyUsage |= KeyUsage.keyEncipherment;
      }
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      List<KeyPurposeId> purposes = new ArrayList<>();
      for (Usage usage : Usage.values()) {
        if (profile.usages().contains(usage)) {
          purposes.add(usage.purpose());
        }
      }
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
      List<GeneralName> sans = new ArrayList<>();
      sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, profile.spiffeId()));
      for (String name : dns) {
        sans.add(new GeneralName(GeneralName.dNSName, name));
      }
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
      builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier);
      builder.addExtension(Extension.cRLDistributionPoints, false, crlDistributionPoint(crlUrl));
      if (previousSha256 != null) {
        builder.addExtension(Lineage.OID, false, Lineage.value(previousSha256));
      }
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer(random)));
    } catch (IOException | CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("building a certificate from checked parts failed", e);
    }
  }

  private ContentSigner signer(SecureRandom random) throws PortcullisException {
    return Signers.signer(signatureAlgorithm, issuerKey, signing, random);
  }

  /** A positive 127-bit random serial: unpredictable, and at most 16 octets when encoded. */
  static BigInteger serial(SecureRandom random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    bytes[0] &= 0x7f;
    BigInteger serial = new BigInteger(1, bytes);
    return serial.signum() == 0 ? BigInteger.ONE : serial;
  }

  static CRLDistPoint crlDistributionPoint(String url) {
    return new CRLDistPoint(
        new DistributionPoint[] {
          new DistributionPoint(
              new DistributionPointName(
                  new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url))),
              null,
              null)
        });
  }

  private static String subjectOf(PKCS10CertificationRequest csr) {
    try {
      return csr.getSubject().toString();
    } catch (RuntimeException e) {
      return "(unreadable subject)";
    }
  }
}
