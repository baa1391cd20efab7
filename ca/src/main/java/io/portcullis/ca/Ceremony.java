package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.ca.StateRecords.RevocationList;
import io.portcullis.ca.StateRecords.RevokedEntry;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * The ceremony steps, the only ones that need the root key: creating the CA (root key and root
 * certificate), creating an area (its intermediate, signed by the root), retiring an area (its
 * intermediate revoked in the root CRL) and re-signing the root CRL.
 */
final class Ceremony {
  private final CaContext ctx;
  private final CaStore store;
  private final CaConfig config;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final Revocations revocations;

  Ceremony(CaContext ctx, Revocations revocations) {
    this.ctx = ctx;
    this.store = ctx.store;
    this.config = ctx.config;
    this.audit = ctx.audit;
    this.clock = ctx.clock;
    this.random = ctx.random;
    this.revocations = revocations;
  }

  /**
   * The root ceremony: creates the root key where {@code rootKey} says (a new PKCS#12 file, or a
   * key generated inside the token), the self-signed root certificate and the state directory.
   * {@code dir} must not exist or be empty. Afterwards put the root key away: only {@link
   * #createArea}, {@link #retireArea} and {@link #publishRootCrl} need it.
   */
  static CertificateAuthority init(
      Path dir, CaSpec spec, RootKeySpec rootKey, String operator, Clock clock, SecureRandom random)
      throws PortcullisException {
    CaStore store = new CaStore(dir);
    try {
      if (Files.exists(store.dir())) {
        try (var entries = Files.list(store.dir())) {
          if (entries.findAny().isPresent()) {
            throw CaMessage.MATERIAL_EXISTS.exception(store.dir());
          }
        }
      }
      Files.createDirectories(store.dir());
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, store.dir(), e.getMessage());
    }
    Instant now = clock.instant();
    KeyPair keys = RootKey.generate(rootKey, spec.rootKeyType(), random);
    X509Certificate rootCertificate =
        rootCertificate(
            spec.name(),
            spec.name() + " Root CA",
            keys,
            spec.rootKeyType(),
            now,
            spec.rootValidity(),
            random);
    RootKey.store(rootKey, keys.getPrivate(), rootCertificate);
    store.writeText(store.rootCertFile(), Pem.encode(rootCertificate), false);
    store.writeText(store.anchorsFile(), Pem.encode(rootCertificate), false);
    store.write(store.rootRevocationsFile(), RevocationList.empty());
    String kind = rootKey instanceof RootKeySpec.Pkcs11 ? "pkcs11" : "pkcs12";
    String location =
        rootKey instanceof RootKeySpec.Pkcs11 p11
            ? p11.config().toAbsolutePath() + "#" + p11.alias()
            : ((RootKeySpec.Pkcs12) rootKey).file().toAbsolutePath().toString();
    // The config file is written last: its presence is what makes the directory a CA.
    store.write(
        store.configFile(),
        new CaConfig(
            StateRecords.LAYOUT_VERSION,
            spec.name(),
            spec.trustDomain(),
            spec.crlBaseUrl(),
            spec.rootKeyType().label(),
            kind,
            location,
            now.toString(),
            operator));
    CaContext context = new CaContext(store, clock, random, SigningProvider.BC);
    context.audit.append(
        Entry.init(
            now,
            operator,
            rootCertificate.getSerialNumber().toString(16),
            CaContext.sha256(rootCertificate),
            spec.trustDomain() + ", root key " + rootKey.describe()));
    CertificateAuthority ca = new CertificateAuthority(context);
    // The root's first CRL, while the key is here: with it, validators check area intermediates
    // against the root from day one, so retiring an area needs no change on any server.
    ca.publishRootCrl(
        new RootKey(keys.getPrivate(), rootCertificate, rootKey.describe()),
        CertificateAuthority.DEFAULT_ROOT_CRL_VALIDITY,
        operator);
    return ca;
  }

  /** A self-signed root certificate: pathLen 1 (areas below, leaves below them). */
  static X509Certificate rootCertificate(
      String organisation,
      String commonName,
      KeyPair keys,
      KeyType type,
      Instant now,
      Duration validity,
      SecureRandom random)
      throws PortcullisException {
    try {
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, organisation)
              .addRDN(BCStyle.CN, commonName)
              .build();
      Instant notBefore = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              LeafIssuer.serial(random),
              Date.from(notBefore),
              Date.from(notBefore.plus(validity)),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  Signers.signer(
                      type.signatureAlgorithm(), keys.getPrivate(), SigningProvider.JDK, random)));
    } catch (IOException | CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("building the root certificate failed", e);
    }
  }

  /**
   * Ceremony step: creates area {@code spec.name()}, its intermediate (pathLen 0, name constraints:
   * the trust domain's URIs and the DNS subtrees) signed by the root key, and its first (empty)
   * CRL.
   */
  Area createArea(AreaSpec spec, RootKey rootKey, String operator) throws PortcullisException {
    return ctx.locked(
        "area-create",
        operator,
        null,
        spec.name(),
        () -> {
          checkRootKey(rootKey);
          if (store.rootGenerations().next() != null) {
            throw CaMessage.ROLLOVER_UNDER_WAY.exception(
                "next root published", "creating area " + spec.name());
          }
          if (store.area(spec.name()).isPresent()) {
            throw CaMessage.AREA_EXISTS.exception(spec.name());
          }
          if (!spec.trustDomain().equals(config.trustDomain())) {
            throw CaMessage.AREA_INVALID.exception(
                spec.name(), "the URI prefix must be in the trust domain " + config.trustDomain());
          }
          Instant now = clock.instant();
          KeyPair keys = spec.keyType().generate(random);
          X509Certificate certificate = intermediate(spec, keys, rootKey, now);
          store.writeText(store.areaKeyFile(spec.name()), Pem.encode(keys.getPrivate()), true);
          store.writeText(store.areaCertFile(spec.name()), Pem.encode(certificate), false);
          store.writeText(store.areaCertsFile(spec.name()), Pem.encode(certificate), false);
          store.write(store.areaRevocationsFile(spec.name()), RevocationList.empty());
          AreaRecord record =
              new AreaRecord(
                  StateRecords.LAYOUT_VERSION,
                  spec.name(),
                  spec.uriPrefix(),
                  spec.dnsSubtrees(),
                  spec.maxLeafLifetime().toSeconds(),
                  spec.keyType().label(),
                  now.toString(),
                  operator,
                  false,
                  null);
          store.write(store.areaFile(spec.name()), record);
          revocations.writeAreaCrl(record, CertificateAuthority.DEFAULT_CRL_VALIDITY);
          audit.append(
              Entry.areaCreated(
                  now,
                  operator,
                  spec.name(),
                  certificate.getSerialNumber().toString(16),
                  CaContext.sha256(certificate),
                  spec.uriPrefix()
                      + " dns="
                      + spec.dnsSubtrees()
                      + " max="
                      + spec.maxLeafLifetime()));
          return ctx.toArea(record);
        });
  }

  /** The DNS subtree an area without DNS names is constrained to: nothing can be named in it. */
  static final String NO_DNS = "invalid";

  private X509Certificate intermediate(AreaSpec spec, KeyPair keys, RootKey rootKey, Instant now)
      throws PortcullisException {
    X509Certificate root = ctx.root();
    try {
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, config.name())
              .addRDN(BCStyle.CN, spec.name() + " Area CA")
              .build();
      Instant notBefore = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
      Instant notAfter = notBefore.plus(spec.validity());
      if (notAfter.isAfter(root.getNotAfter().toInstant())) {
        notAfter = root.getNotAfter().toInstant();
      }
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              root,
              LeafIssuer.serial(random),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keys.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(keys.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(root));
      // RFC 5280 URI constraints name hosts only: the trust domain. The path prefix is enforced
      // by the CA at registration and issuance (see docs/ca.md).
      List<GeneralSubtree> permitted = new ArrayList<>();
      permitted.add(
          new GeneralSubtree(
              new GeneralName(GeneralName.uniformResourceIdentifier, spec.trustDomain())));
      for (String subtree : spec.dnsSubtrees()) {
        permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, subtree)));
      }
      if (spec.dnsSubtrees().isEmpty()) {
        // No DNS names of its own: without a DNS subtree every DNS name would be permitted. The
        // reserved TLD "invalid" (RFC 6761) stands for "none".
        permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, NO_DNS)));
      }
      // Subjects: O=<CA name>, OU=<area>, as the CA writes its leaves. A leaf the area's key
      // signs with another organisation or area in its DN (to match dn.O / dn.OU rules) fails
      // every RFC 5280 validator.
      permitted.add(
          new GeneralSubtree(
              new GeneralName(
                  new X500NameBuilder(BCStyle.INSTANCE)
                      .addRDN(BCStyle.O, config.name())
                      .addRDN(BCStyle.OU, spec.name())
                      .build())));
      builder.addExtension(
          Extension.nameConstraints,
          true,
          new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null));
      builder.addExtension(
          Extension.cRLDistributionPoints,
          false,
          LeafIssuer.crlDistributionPoint(
              config.crlBaseUrl()
                  + CaStore.rootCrlName(store.rootGenerations().active())
                  + ".crl"));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  Signers.signer(
                      KeyType.of(root.getPublicKey()).signatureAlgorithm(),
                      rootKey.privateKey(),
                      SigningProvider.JDK,
                      random)));
    } catch (IOException | CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("building an intermediate failed", e);
    }
  }

  /**
   * Ceremony step: retires an area. The CA refuses every issuance and renewal in it from now on,
   * and the area's intermediate is revoked in a new root CRL, so validators that read the root CRL
   * refuse all its leaves.
   */
  X509CRL retireArea(String name, RootKey rootKey, String operator) throws PortcullisException {
    return ctx.locked(
        "area-retire",
        operator,
        null,
        name,
        () -> {
          checkRootKey(rootKey);
          if (store.rootGenerations().underWay()) {
            throw CaMessage.ROLLOVER_UNDER_WAY.exception(
                RootRollover.describe(store.rootGenerations()), "retiring area " + name);
          }
          AreaRecord area =
              store.area(name).orElseThrow(() -> CaMessage.AREA_UNKNOWN.exception(name));
          if (area.retired()) {
            throw CaMessage.AREA_RETIRED.exception(name, area.retiredAt());
          }
          Instant now = clock.instant();
          X509Certificate intermediate = store.certificate(store.areaCertFile(name));
          int active = store.rootGenerations().active();
          RevocationList list =
              store
                  .revocations(store.rootRevocationsFile(active))
                  .with(
                      new RevokedEntry(
                          intermediate.getSerialNumber().toString(16),
                          CaContext.sha256(intermediate),
                          intermediate.getSubjectX500Principal().getName(),
                          now.toString(),
                          "cessationOfOperation",
                          operator))
                  .nextCrl();
          X509CRL crl =
              revocations.buildCrl(
                  ctx.root(),
                  rootKey.privateKey(),
                  SigningProvider.JDK,
                  list,
                  CertificateAuthority.DEFAULT_ROOT_CRL_VALIDITY);
          store.write(store.rootRevocationsFile(active), list);
          store.writeBytes(store.crlFile(CaStore.rootCrlName(active)), Revocations.encoded(crl));
          RootRollover.publishRootCrls(store, store.rootGenerations());
          store.write(store.areaFile(name), area.retire(now.toString()));
          audit.append(
              Entry.areaRetired(
                  now,
                  operator,
                  name,
                  intermediate.getSerialNumber().toString(16),
                  CaContext.sha256(intermediate),
                  "intermediate revoked in root CRL " + list.crlNumber()));
          return crl;
        });
  }

  /**
   * Ceremony step: re-signs the CRL of the root whose key is given (revoked intermediates) with a
   * fresh nextUpdate: the active root's, or during a rollover the next or previous root's.
   */
  X509CRL publishRootCrl(RootKey rootKey, Duration validity, String operator)
      throws PortcullisException {
    return ctx.locked(
        "crl",
        operator,
        null,
        "root",
        () -> {
          if (rootKey == null) {
            throw CaMessage.ROOT_KEY_NEEDED.exception(ctx.rootKeyLocation());
          }
          StateRecords.RootGenerations generations = store.rootGenerations();
          int generation = RootRollover.generationOf(store, generations, rootKey);
          X509Certificate issuer = RootRollover.rootCertificate(store, generations, generation);
          Path file = store.rootRevocationsFile(generation);
          RevocationList list = store.revocations(file).nextCrl();
          X509CRL crl =
              revocations.buildCrl(
                  issuer, rootKey.privateKey(), SigningProvider.JDK, list, validity);
          store.write(file, list);
          store.writeBytes(
              store.crlFile(CaStore.rootCrlName(generation)), Revocations.encoded(crl));
          RootRollover.publishRootCrls(store, generations);
          audit.append(
              Entry.crl(
                  clock.instant(),
                  operator,
                  "root",
                  "root CRL "
                      + CaStore.rootCrlName(generation)
                      + " "
                      + list.crlNumber()
                      + ", nextUpdate "
                      + crl.getNextUpdate().toInstant()));
          return crl;
        });
  }

  private void checkRootKey(RootKey rootKey) throws PortcullisException {
    if (rootKey == null) {
      throw CaMessage.ROOT_KEY_NEEDED.exception(ctx.rootKeyLocation());
    }
    if (!Arrays.equals(
        rootKey.certificate().getPublicKey().getEncoded(),
        ctx.root().getPublicKey().getEncoded())) {
      throw CaMessage.KEY_UNUSABLE.exception(
          rootKey.description(), "it is not the root key of this CA");
    }
  }
}
