package io.portcullis.ca;

import io.portcullis.PortcullisException;
import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.ca.StateRecords.IssuedRef;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.ca.StateRecords.RevocationList;
import io.portcullis.ca.StateRecords.RevokedEntry;
import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.SpiffeId;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The Portcullis private CA over its state directory. This is the in-process API; the CLI and
 * {@code ca serve} are thin layers over it.
 *
 * <p>Every operation that changes state takes the directory's lock, checks everything first, then
 * writes new files and replaces changed ones atomically, the record that makes the change visible
 * last, and appends an audit entry. A refused operation changes nothing but the audit log, where
 * the refusal is recorded with its message ID.
 *
 * <p>The root key is passed only to the ceremony steps ({@link #createArea}, {@link #retireArea},
 * {@link #publishRootCrl}); nothing else needs or reads it.
 */
public final class CertificateAuthority {
  /** How long a published area CRL is valid by default. */
  public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(2);

  /** How long a published root CRL is valid by default (the next ceremony must come sooner). */
  public static final Duration DEFAULT_ROOT_CRL_VALIDITY = Duration.ofDays(90);

  private static final String TOKEN_PREFIX = "ptj1.";

  private final CaStore store;
  private final CaConfig config;
  private final X509Certificate root;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final SigningProvider signing;
  private final java.util.Map<String, LeafIssuer> issuers =
      new java.util.concurrent.ConcurrentHashMap<>();

  private CertificateAuthority(
      CaStore store, Clock clock, SecureRandom random, SigningProvider signing)
      throws PortcullisException {
    this.store = store;
    this.config = store.config();
    this.root = store.certificate(store.rootCertFile());
    this.audit = new AuditLog(store.auditFile(), store.json());
    this.clock = clock;
    this.random = random;
    this.signing = signing;
  }

  /** Opens the CA in {@code dir}; {@code PRTC0401E} when it holds none. */
  public static CertificateAuthority open(Path dir, Clock clock, SecureRandom random)
      throws PortcullisException {
    return open(dir, clock, random, SigningProvider.BC);
  }

  /** Opens the CA in {@code dir}, signing leaves and CRLs with {@code signing}. */
  public static CertificateAuthority open(
      Path dir, Clock clock, SecureRandom random, SigningProvider signing)
      throws PortcullisException {
    return new CertificateAuthority(
        new CaStore(dir),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(random, "random"),
        Objects.requireNonNull(signing, "signing"));
  }

  // ---- ceremony ------------------------------------------------------------------------------

  /**
   * The root ceremony: creates the root key where {@code rootKey} says (a new PKCS#12 file, or a
   * key generated inside the token), the self-signed root certificate and the state directory.
   * {@code dir} must not exist or be empty. Afterwards put the root key away: only {@link
   * #createArea}, {@link #retireArea} and {@link #publishRootCrl} need it.
   */
  public static CertificateAuthority init(
      Path dir, CaSpec spec, RootKeySpec rootKey, String operator, Clock clock, SecureRandom random)
      throws PortcullisException {
    CaStore store = new CaStore(dir);
    try {
      if (Files.exists(store.dir())) {
        try (var entries = Files.list(store.dir())) {
          if (entries.findAny().isPresent()) {
            throw new PortcullisException("PRTC0402E", store.dir());
          }
        }
      }
      Files.createDirectories(store.dir());
    } catch (IOException e) {
      throw new PortcullisException(e, "PRTC0404E", store.dir(), e.getMessage());
    }
    Instant now = clock.instant();
    KeyPair keys = RootKey.generate(rootKey, spec.rootKeyType(), random);
    X509Certificate rootCertificate;
    try {
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, spec.name())
              .addRDN(BCStyle.CN, spec.name() + " Root CA")
              .build();
      Instant notBefore = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              LeafIssuer.serial(random),
              Date.from(notBefore),
              Date.from(notBefore.plus(spec.rootValidity())),
              subject,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      rootCertificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      Signers.signer(
                          spec.rootKeyType().signatureAlgorithm(),
                          keys.getPrivate(),
                          SigningProvider.JDK,
                          random)));
    } catch (IOException | CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("building the root certificate failed", e);
    }
    RootKey.store(rootKey, keys.getPrivate(), rootCertificate);
    store.writeText(store.rootCertFile(), Pem.encode(rootCertificate), false);
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
    CertificateAuthority ca = new CertificateAuthority(store, clock, random, SigningProvider.BC);
    ca.audit.append(
        new Entry(
            now,
            "init",
            operator,
            null,
            null,
            rootCertificate.getSerialNumber().toString(16),
            sha256(rootCertificate),
            null,
            null,
            spec.trustDomain() + ", root key " + rootKey.describe()));
    return ca;
  }

  /** The root certificate: the one anchor every workload and validator trusts. */
  public X509Certificate rootCertificate() {
    return root;
  }

  /** The SPIFFE trust domain. */
  public String trustDomain() {
    return config.trustDomain();
  }

  /** Where the ceremony put the root key (path or token), as recorded at {@code init}. */
  public String rootKeyLocation() {
    return config.rootKeyKind() + ":" + config.rootKeyLocation();
  }

  /** The state directory. */
  public Path directory() {
    return store.dir();
  }

  /**
   * Ceremony step: creates area {@code spec.name()}, its intermediate (pathLen 0, name constraints:
   * the trust domain's URIs and the DNS subtrees) signed by the root key, and its first (empty)
   * CRL.
   */
  public synchronized Area createArea(AreaSpec spec, RootKey rootKey, String operator)
      throws PortcullisException {
    return locked(
        "area-create",
        operator,
        null,
        spec.name(),
        () -> {
          checkRootKey(rootKey);
          if (store.area(spec.name()).isPresent()) {
            throw new PortcullisException("PRTC0408E", spec.name());
          }
          if (!spec.trustDomain().equals(config.trustDomain())) {
            throw new PortcullisException(
                "PRTC0410E",
                spec.name(),
                "the URI prefix must be in the trust domain " + config.trustDomain());
          }
          Instant now = clock.instant();
          KeyPair keys = spec.keyType().generate(random);
          X509Certificate certificate = intermediate(spec, keys, rootKey, now);
          store.writeText(store.areaKeyFile(spec.name()), Pem.encode(keys.getPrivate()), true);
          store.writeText(store.areaCertFile(spec.name()), Pem.encode(certificate), false);
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
          writeAreaCrl(record, DEFAULT_CRL_VALIDITY);
          audit.append(
              new Entry(
                  now,
                  "area-create",
                  operator,
                  null,
                  spec.name(),
                  certificate.getSerialNumber().toString(16),
                  sha256(certificate),
                  null,
                  null,
                  spec.uriPrefix()
                      + " dns="
                      + spec.dnsSubtrees()
                      + " max="
                      + spec.maxLeafLifetime()));
          return toArea(record);
        });
  }

  private X509Certificate intermediate(AreaSpec spec, KeyPair keys, RootKey rootKey, Instant now)
      throws PortcullisException {
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
      builder.addExtension(
          Extension.nameConstraints,
          true,
          new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null));
      builder.addExtension(
          Extension.cRLDistributionPoints,
          false,
          LeafIssuer.crlDistributionPoint(config.crlBaseUrl() + "root.crl"));
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
  public synchronized X509CRL retireArea(String name, RootKey rootKey, String operator)
      throws PortcullisException {
    return locked(
        "area-retire",
        operator,
        null,
        name,
        () -> {
          checkRootKey(rootKey);
          AreaRecord area =
              store.area(name).orElseThrow(() -> new PortcullisException("PRTC0407E", name));
          if (area.retired()) {
            throw new PortcullisException("PRTC0409E", name, area.retiredAt());
          }
          Instant now = clock.instant();
          X509Certificate intermediate = store.certificate(store.areaCertFile(name));
          RevocationList list =
              store
                  .revocations(store.rootRevocationsFile())
                  .with(
                      new RevokedEntry(
                          intermediate.getSerialNumber().toString(16),
                          sha256(intermediate),
                          intermediate.getSubjectX500Principal().getName(),
                          now.toString(),
                          "cessationOfOperation",
                          operator))
                  .nextCrl();
          X509CRL crl =
              buildCrl(
                  root, rootKey.privateKey(), SigningProvider.JDK, list, DEFAULT_ROOT_CRL_VALIDITY);
          store.write(store.rootRevocationsFile(), list);
          store.writeBytes(store.crlFile("root"), encoded(crl));
          store.write(store.areaFile(name), area.retire(now.toString()));
          audit.append(
              new Entry(
                  now,
                  "area-retire",
                  operator,
                  null,
                  name,
                  intermediate.getSerialNumber().toString(16),
                  sha256(intermediate),
                  null,
                  null,
                  "intermediate revoked in root CRL " + list.crlNumber()));
          return crl;
        });
  }

  /** Ceremony step: re-signs the root CRL (revoked intermediates) with a fresh nextUpdate. */
  public synchronized X509CRL publishRootCrl(RootKey rootKey, Duration validity, String operator)
      throws PortcullisException {
    return locked(
        "crl",
        operator,
        null,
        "root",
        () -> {
          checkRootKey(rootKey);
          RevocationList list = store.revocations(store.rootRevocationsFile()).nextCrl();
          X509CRL crl = buildCrl(root, rootKey.privateKey(), SigningProvider.JDK, list, validity);
          store.write(store.rootRevocationsFile(), list);
          store.writeBytes(store.crlFile("root"), encoded(crl));
          audit.append(
              new Entry(
                  clock.instant(),
                  "crl",
                  operator,
                  null,
                  "root",
                  null,
                  null,
                  null,
                  null,
                  "root CRL "
                      + list.crlNumber()
                      + ", nextUpdate "
                      + crl.getNextUpdate().toInstant()));
          return crl;
        });
  }

  private void checkRootKey(RootKey rootKey) throws PortcullisException {
    if (rootKey == null) {
      throw new PortcullisException("PRTC0405E", rootKeyLocation());
    }
    if (!Arrays.equals(
        rootKey.certificate().getPublicKey().getEncoded(), root.getPublicKey().getEncoded())) {
      throw new PortcullisException(
          "PRTC0406E", rootKey.description(), "it is not the root key of this CA");
    }
  }

  // ---- areas ---------------------------------------------------------------------------------

  /** Every area, retired ones included, by name. */
  public List<Area> areas() throws PortcullisException {
    List<Area> areas = new ArrayList<>();
    for (AreaRecord record : store.areas()) {
      areas.add(toArea(record));
    }
    return areas;
  }

  /** The area {@code name}; {@code PRTC0407E} when there is none. */
  public Area area(String name) throws PortcullisException {
    return toArea(store.area(name).orElseThrow(() -> new PortcullisException("PRTC0407E", name)));
  }

  /**
   * The trust areas a validator needs to trust this CA's workloads: one per live area, anchored at
   * the root, with the area's intermediate.
   */
  public List<TrustArea> trustAreas() throws PortcullisException {
    List<TrustArea> areas = new ArrayList<>();
    for (Area area : areas()) {
      if (!area.retired()) {
        areas.add(new TrustArea(area.name(), List.of(root), List.of(area.certificate())));
      }
    }
    return areas;
  }

  private Area toArea(AreaRecord record) throws PortcullisException {
    return new Area(
        record.name(),
        record.uriPrefix(),
        record.dnsSubtrees(),
        Duration.ofSeconds(record.maxLeafLifetimeSeconds()),
        store.certificate(store.areaCertFile(record.name())),
        record.retired());
  }

  private AreaRecord liveArea(String name) throws PortcullisException {
    AreaRecord area =
        store.area(name).orElseThrow(() -> new PortcullisException("PRTC0407E", name));
    if (area.retired()) {
      throw new PortcullisException("PRTC0409E", name, area.retiredAt());
    }
    return area;
  }

  // ---- registration --------------------------------------------------------------------------

  /**
   * Records a vetted workload and returns its one-time join token. The SPIFFE ID must be under the
   * area's prefix, the DNS names within its subtrees, the lifetime within its maximum.
   */
  public synchronized JoinToken register(WorkloadRegistration registration, String operator)
      throws PortcullisException {
    return locked(
        "register",
        operator,
        registration.spiffeId(),
        registration.area(),
        () -> {
          AreaRecord area = liveArea(registration.area());
          SpiffeId.parse(registration.spiffeId());
          if (!registration.spiffeId().startsWith(area.uriPrefix())
              || registration.spiffeId().length() == area.uriPrefix().length()) {
            throw new PortcullisException(
                "PRTC0411E",
                registration.spiffeId(),
                "the SPIFFE ID is not under the area prefix " + area.uriPrefix());
          }
          for (String dns : registration.dnsNames()) {
            if (!AreaSpec.validDnsName(dns) || !AreaSpec.withinSubtrees(dns, area.dnsSubtrees())) {
              throw new PortcullisException(
                  "PRTC0411E",
                  registration.spiffeId(),
                  "DNS name " + dns + " is outside the area's subtrees " + area.dnsSubtrees());
            }
          }
          if (registration.maxLifetime().toSeconds() > area.maxLeafLifetimeSeconds()
              || registration.maxLifetime().toSeconds() <= 0) {
            throw new PortcullisException(
                "PRTC0411E",
                registration.spiffeId(),
                "the lifetime "
                    + registration.maxLifetime()
                    + " exceeds the area's maximum "
                    + Duration.ofSeconds(area.maxLeafLifetimeSeconds()));
          }
          if (registration.usages().isEmpty()) {
            throw new PortcullisException(
                "PRTC0411E", registration.spiffeId(), "no usage (server, client) given");
          }
          if (registration.approvedBy().isBlank()) {
            throw new PortcullisException(
                "PRTC0411E", registration.spiffeId(), "no approver given");
          }
          checkTokenTtl(registration.tokenTtl());
          if (store.registration(registration.spiffeId()).isPresent()) {
            throw new PortcullisException("PRTC0412E", registration.spiffeId());
          }
          Instant now = clock.instant();
          JoinToken token = newToken(registration.spiffeId(), now, registration.tokenTtl());
          RegistrationRecord record =
              new RegistrationRecord(
                  StateRecords.LAYOUT_VERSION,
                  registration.spiffeId(),
                  registration.area(),
                  registration.dnsNames(),
                  registration.keyType().label(),
                  registration.maxLifetime().toSeconds(),
                  registration.usages().stream().map(Enum::name).sorted().toList(),
                  registration.approvedBy(),
                  now.toString(),
                  tokenHash(token.token()),
                  token.expiresAt().toString(),
                  null,
                  List.of());
          store.write(store.registrationFile(registration.spiffeId()), record);
          audit.append(
              new Entry(
                  now,
                  "register",
                  operator,
                  registration.spiffeId(),
                  registration.area(),
                  null,
                  null,
                  null,
                  null,
                  "approvedBy="
                      + registration.approvedBy()
                      + " dns="
                      + registration.dnsNames()
                      + " key="
                      + registration.keyType()
                      + " max="
                      + registration.maxLifetime()
                      + " usages="
                      + record.usages()
                      + " tokenExpires="
                      + token.expiresAt()));
          return token;
        });
  }

  /**
   * A fresh join token for a registered workload (the previous one stops working), for example
   * after the workload lost its key. The next issuance with it starts a new lineage.
   */
  public synchronized JoinToken newJoinToken(String spiffeId, Duration ttl, String operator)
      throws PortcullisException {
    return locked(
        "token",
        operator,
        spiffeId,
        null,
        () -> {
          checkTokenTtl(ttl);
          RegistrationRecord record =
              store
                  .registration(spiffeId)
                  .orElseThrow(() -> new PortcullisException("PRTC0413E", spiffeId));
          liveArea(record.area());
          Instant now = clock.instant();
          JoinToken token = newToken(spiffeId, now, ttl);
          store.write(
              store.registrationFile(spiffeId),
              record.withNewToken(tokenHash(token.token()), token.expiresAt().toString()));
          audit.append(
              new Entry(
                  now,
                  "token",
                  operator,
                  spiffeId,
                  record.area(),
                  null,
                  null,
                  null,
                  null,
                  "tokenExpires=" + token.expiresAt()));
          return token;
        });
  }

  private static void checkTokenTtl(Duration ttl) throws PortcullisException {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw new PortcullisException("PRTC0441E", "join token lifetime", ttl, "up to 7 days");
    }
  }

  private JoinToken newToken(String spiffeId, Instant now, Duration ttl) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token =
        TOKEN_PREFIX
            + CaStore.workloadKey(spiffeId)
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new JoinToken(token, spiffeId, now.plus(ttl));
  }

  private static String tokenHash(String token) {
    return hex(digest(token.getBytes(StandardCharsets.UTF_8)));
  }

  // ---- issuance ------------------------------------------------------------------------------

  /**
   * First issuance: a certificate for the workload the join token was made for, from its CSR. The
   * token is used up. {@code lifetime} null means the registration's maximum.
   */
  public synchronized IssuedCertificate issue(
      String joinToken, PKCS10CertificationRequest csr, Duration lifetime, String operator)
      throws PortcullisException {
    String[] workload = {null};
    return locked(
        "issue",
        operator,
        workload,
        () -> {
          if (joinToken == null || !joinToken.startsWith(TOKEN_PREFIX)) {
            throw new PortcullisException("PRTC0418E");
          }
          String rest = joinToken.substring(TOKEN_PREFIX.length());
          int dot = rest.indexOf('.');
          Optional<RegistrationRecord> found =
              dot < 0 ? Optional.empty() : store.registrationByKey(rest.substring(0, dot));
          if (found.isEmpty()) {
            throw new PortcullisException("PRTC0418E");
          }
          RegistrationRecord record = found.get();
          workload[0] = record.spiffeId();
          if (!MessageDigest.isEqual(
              tokenHash(joinToken).getBytes(StandardCharsets.US_ASCII),
              record.tokenSha256().getBytes(StandardCharsets.US_ASCII))) {
            throw new PortcullisException("PRTC0418E");
          }
          if (record.tokenUsedAt() != null) {
            throw new PortcullisException("PRTC0419E", record.spiffeId(), record.tokenUsedAt());
          }
          Instant now = clock.instant();
          Instant expires = instant(record.tokenExpiresAt(), record.spiffeId());
          if (!now.isBefore(expires)) {
            throw new PortcullisException("PRTC0420E", record.spiffeId(), expires);
          }
          AreaRecord area = liveArea(record.area());
          return issueAndRecord(
              record, area, csr, lifetime, now, null, "issue", operator, now.toString());
        });
  }

  /**
   * Renewal: a workload holding its valid, unrevoked current certificate gets a new one for a new
   * key without a join token. {@code csr} is signed by the new key; {@code proof} is {@link
   * RenewalProof#sign the current key's signature} over the CSR's DER. The new certificate's
   * lineage extension names {@code current}.
   */
  public synchronized IssuedCertificate renew(
      X509Certificate current,
      PKCS10CertificationRequest csr,
      byte[] proof,
      Duration lifetime,
      String operator)
      throws PortcullisException {
    String[] workload = {null};
    return locked(
        "renew",
        operator,
        workload,
        () -> {
          String currentSha = sha256(current);
          Optional<X509Certificate> issued = store.issuedCertificate(currentSha);
          if (issued.isEmpty() || !issued.get().equals(current)) {
            throw new PortcullisException(
                "PRTC0421E", current.getSubjectX500Principal(), currentSha);
          }
          WorkloadIdentity identity = IdentityReader.read(current);
          String spiffeId =
              identity
                  .spiffeId()
                  .map(Object::toString)
                  .orElseThrow(
                      () -> new PortcullisException("PRTC0421E", "no SPIFFE ID", currentSha));
          workload[0] = spiffeId;
          RegistrationRecord record =
              store
                  .registration(spiffeId)
                  .orElseThrow(() -> new PortcullisException("PRTC0413E", spiffeId));
          IssuedRef latest = record.current();
          if (latest == null || !latest.sha256().equals(currentSha)) {
            throw new PortcullisException(
                "PRTC0425E", currentSha, latest == null ? "none" : latest.sha256());
          }
          AreaRecord area = liveArea(record.area());
          if (store.revocations(store.areaRevocationsFile(area.name())).contains(currentSha)) {
            throw new PortcullisException("PRTC0423E", currentSha);
          }
          Instant now = clock.instant();
          if (now.isAfter(current.getNotAfter().toInstant())
              || now.isBefore(current.getNotBefore().toInstant())) {
            throw new PortcullisException(
                "PRTC0422E", currentSha, current.getNotAfter().toInstant(), now);
          }
          byte[] csrDer;
          byte[] newKey;
          try {
            csrDer = csr.getEncoded();
            newKey = csr.getSubjectPublicKeyInfo().getEncoded();
          } catch (IOException e) {
            throw new PortcullisException(e, "PRTC0414E", e.getMessage());
          }
          if (proof == null || !RenewalProof.verify(current.getPublicKey(), csrDer, proof)) {
            throw new PortcullisException("PRTC0424E", spiffeId, currentSha);
          }
          if (Arrays.equals(newKey, current.getPublicKey().getEncoded())) {
            throw new PortcullisException("PRTC0429E", spiffeId);
          }
          return issueAndRecord(
              record, area, csr, lifetime, now, currentSha, "renew", operator, null);
        });
  }

  /**
   * First issuance for a key pair held in process (a software key or one in a token): builds the
   * CSR with the key (asking for no names, so the leaf gets every registered name) and issues as
   * {@link #issue(String, PKCS10CertificationRequest, Duration, String)} does.
   */
  public IssuedCertificate issue(String joinToken, KeyPair keys, Duration lifetime, String operator)
      throws PortcullisException {
    KeyType type = KeyType.of(keys.getPublic());
    return issue(joinToken, Csrs.create(keys, type, null, List.of()), lifetime, operator);
  }

  /**
   * Renewal for keys held in process: builds the new key's CSR (no names asked: all registered
   * ones) and the proof by the current key, then renews as {@link #renew(X509Certificate,
   * PKCS10CertificationRequest, byte[], Duration, String)} does.
   */
  public IssuedCertificate renew(
      X509Certificate current,
      PrivateKey currentKey,
      KeyPair newKeys,
      Duration lifetime,
      String operator)
      throws PortcullisException {
    PKCS10CertificationRequest csr =
        Csrs.create(newKeys, KeyType.of(newKeys.getPublic()), null, List.of());
    byte[] der;
    try {
      der = csr.getEncoded();
    } catch (IOException e) {
      throw new PortcullisException(e, "PRTC0414E", e.getMessage());
    }
    byte[] proof = RenewalProof.sign(currentKey, KeyType.of(current.getPublicKey()), der);
    return renew(current, csr, proof, lifetime, operator);
  }

  private IssuedCertificate issueAndRecord(
      RegistrationRecord record,
      AreaRecord area,
      PKCS10CertificationRequest csr,
      Duration lifetime,
      Instant now,
      String previous,
      String event,
      String operator,
      String tokenUsed)
      throws PortcullisException {
    LeafIssuer issuer = issuer(area.name());
    X509Certificate intermediate = issuer.issuerCertificate();
    Duration max =
        Duration.ofSeconds(Math.min(record.maxLifetimeSeconds(), area.maxLeafLifetimeSeconds()));
    Set<Usage> usages = EnumSet.noneOf(Usage.class);
    for (String usage : record.usages()) {
      usages.add(Usage.parse(usage));
    }
    LeafProfile profile =
        new LeafProfile(
            record.spiffeId(),
            record.dnsNames(),
            KeyType.parse(record.keyType()),
            usages,
            max,
            subject(record.spiffeId(), area.name()));
    X509Certificate leaf =
        issuer.issue(
            csr,
            profile,
            lifetime,
            now,
            previous == null ? null : HexFormat.of().parseHex(previous),
            random);
    String sha = sha256(leaf);
    String serial = leaf.getSerialNumber().toString(16);
    // The certificate file first (an orphan is harmless), then the registration that makes the
    // issuance (and the token's use) visible, then the audit entry.
    store.writeText(store.certFile(sha), Pem.encode(leaf), false);
    store.write(
        store.registrationFile(record.spiffeId()),
        record.withIssued(
            new IssuedRef(
                serial,
                sha,
                leaf.getNotBefore().toInstant().toString(),
                leaf.getNotAfter().toInstant().toString(),
                previous,
                now.toString(),
                operator),
            tokenUsed));
    audit.append(
        new Entry(
            now,
            event,
            operator,
            record.spiffeId(),
            area.name(),
            serial,
            sha,
            previous,
            null,
            "notAfter=" + leaf.getNotAfter().toInstant()));
    return new IssuedCertificate(
        List.of(leaf, intermediate),
        record.spiffeId(),
        area.name(),
        sha,
        Optional.ofNullable(previous));
  }

  /**
   * O=CA name, OU=area, CN=SPIFFE ID when it fits the 64-character CN limit. Never a host-like CN:
   * the JDK checks a CN as a DNS name against the area's DNS constraints when the leaf has no DNS
   * SAN, so CN=api would fail validation; a SPIFFE ID is not a DNS name and is skipped.
   */
  /**
   * The area's signer, loaded once: an area's intermediate and key never change (a new intermediate
   * is a new area), and parsing and converting the key per issuance cost more than the signature.
   */
  private LeafIssuer issuer(String area) throws PortcullisException {
    LeafIssuer cached = issuers.get(area);
    if (cached == null) {
      cached =
          new LeafIssuer(
              store.certificate(store.areaCertFile(area)),
              store.privateKey(store.areaKeyFile(area)),
              signing,
              config.crlBaseUrl() + area + ".crl");
      issuers.put(area, cached);
    }
    return cached;
  }

  private String subject(String spiffeId, String area) {
    X500NameBuilder builder =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, config.name())
            .addRDN(BCStyle.OU, area);
    if (spiffeId.length() <= 64) {
      builder.addRDN(BCStyle.CN, spiffeId);
    }
    return builder.build().toString();
  }

  // ---- revocation ----------------------------------------------------------------------------

  /**
   * Revokes a certificate this CA issued, named by serial (hex, colons allowed) or SHA-256
   * fingerprint, and publishes its area's CRL at once.
   */
  public synchronized X509CRL revoke(String serialOrFingerprint, String reason, String operator)
      throws PortcullisException {
    String[] workload = {null};
    return locked(
        "revoke",
        operator,
        workload,
        () -> {
          String wanted = serialOrFingerprint.replace(":", "").toLowerCase(Locale.ROOT);
          RegistrationRecord owner = null;
          IssuedRef found = null;
          for (RegistrationRecord record : store.registrations()) {
            for (IssuedRef ref : record.certificates()) {
              if (ref.sha256().equals(wanted)
                  || normalSerial(ref.serial()).equals(normalSerial(wanted))) {
                owner = record;
                found = ref;
              }
            }
          }
          if (found == null) {
            throw new PortcullisException("PRTC0427E", serialOrFingerprint);
          }
          workload[0] = owner.spiffeId();
          AreaRecord area =
              store
                  .area(owner.area())
                  .orElseThrow(() -> new PortcullisException("PRTC0407E", "(unknown)"));
          RevocationList list = store.revocations(store.areaRevocationsFile(area.name()));
          if (list.contains(found.sha256())) {
            throw new PortcullisException("PRTC0428E", found.sha256());
          }
          Instant now = clock.instant();
          list =
              list.with(
                      new RevokedEntry(
                          found.serial(),
                          found.sha256(),
                          owner.spiffeId(),
                          now.toString(),
                          reason == null ? "unspecified" : reason,
                          operator))
                  .nextCrl();
          X509CRL crl = areaCrl(area, list, DEFAULT_CRL_VALIDITY);
          store.write(store.areaRevocationsFile(area.name()), list);
          store.writeBytes(store.crlFile(area.name()), encoded(crl));
          audit.append(
              new Entry(
                  now,
                  "revoke",
                  operator,
                  owner.spiffeId(),
                  area.name(),
                  found.serial(),
                  found.sha256(),
                  found.previous(),
                  null,
                  "reason=" + reason));
          return crl;
        });
  }

  private static String normalSerial(String serial) {
    String trimmed = serial.replaceFirst("^0+", "");
    return trimmed.isEmpty() ? "0" : trimmed;
  }

  /** Whether this CA revoked the certificate with fingerprint {@code sha256}. */
  public boolean isRevoked(String area, String sha256) throws PortcullisException {
    return store.revocations(store.areaRevocationsFile(area)).contains(sha256);
  }

  /** Re-signs the area's CRL (signed by its intermediate) with a fresh nextUpdate. */
  public synchronized X509CRL publishCrl(String areaName, Duration validity, String operator)
      throws PortcullisException {
    return locked(
        "crl",
        operator,
        null,
        areaName,
        () -> {
          AreaRecord area =
              store
                  .area(areaName)
                  .orElseThrow(() -> new PortcullisException("PRTC0407E", areaName));
          X509CRL crl = writeAreaCrl(area, validity);
          audit.append(
              new Entry(
                  clock.instant(),
                  "crl",
                  operator,
                  null,
                  areaName,
                  null,
                  null,
                  null,
                  null,
                  "nextUpdate " + crl.getNextUpdate().toInstant()));
          return crl;
        });
  }

  /** The area's current CRL as published (DER file {@code crl/AREA.crl}). */
  public X509CRL currentCrl(String areaName) throws PortcullisException {
    Path file = store.crlFile(areaName);
    try {
      return (X509CRL)
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCRL(new java.io.ByteArrayInputStream(Files.readAllBytes(file)));
    } catch (IOException | CertificateException | CRLException e) {
      throw new PortcullisException(e, "PRTC0403E", file, e.getMessage());
    }
  }

  private X509CRL writeAreaCrl(AreaRecord area, Duration validity) throws PortcullisException {
    RevocationList list = store.revocations(store.areaRevocationsFile(area.name())).nextCrl();
    X509CRL crl = areaCrl(area, list, validity);
    store.write(store.areaRevocationsFile(area.name()), list);
    store.writeBytes(store.crlFile(area.name()), encoded(crl));
    return crl;
  }

  private X509CRL areaCrl(AreaRecord area, RevocationList list, Duration validity)
      throws PortcullisException {
    X509Certificate intermediate = store.certificate(store.areaCertFile(area.name()));
    PrivateKey key = store.privateKey(store.areaKeyFile(area.name()));
    return buildCrl(intermediate, key, signing, list, validity);
  }

  private X509CRL buildCrl(
      X509Certificate issuer,
      PrivateKey key,
      SigningProvider provider,
      RevocationList list,
      Duration validity)
      throws PortcullisException {
    if (validity.isNegative() || validity.isZero()) {
      throw new PortcullisException("PRTC0441E", "CRL validity", validity, "a positive duration");
    }
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    try {
      X509v2CRLBuilder builder =
          new X509v2CRLBuilder(
              X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(now));
      builder.setNextUpdate(Date.from(now.plus(validity)));
      for (RevokedEntry entry : list.entries()) {
        builder.addCRLEntry(
            new BigInteger(entry.serial(), 16),
            Date.from(instant(entry.revokedAt(), entry.sha256())),
            reasonCode(entry.reason()));
      }
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer));
      builder.addExtension(
          Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(list.crlNumber())));
      return new JcaX509CRLConverter()
          .getCRL(
              builder.build(
                  Signers.signer(
                      KeyType.of(issuer.getPublicKey()).signatureAlgorithm(),
                      key,
                      provider,
                      random)));
    } catch (IOException | CRLException | CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("building a CRL from checked parts failed", e);
    }
  }

  private static int reasonCode(String reason) {
    return switch (reason) {
      case "keyCompromise" -> CRLReason.keyCompromise;
      case "cessationOfOperation" -> CRLReason.cessationOfOperation;
      case "superseded" -> CRLReason.superseded;
      case "affiliationChanged" -> CRLReason.affiliationChanged;
      default -> CRLReason.unspecified;
    };
  }

  private static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new IllegalStateException("a CRL just built always encodes", e);
    }
  }

  // ---- lineage -------------------------------------------------------------------------------

  /**
   * The lineage of {@code certificate}: its workload's registration and every certificate from the
   * first issuance to this one, following each certificate's lineage extension. Each link is
   * checked against the CA's records; a gap or mismatch is {@code PRTC0438E}.
   */
  public LineageReport lineage(X509Certificate certificate) throws PortcullisException {
    String sha = sha256(certificate);
    Optional<X509Certificate> known = store.issuedCertificate(sha);
    if (known.isEmpty()) {
      throw new PortcullisException("PRTC0438E", sha, "this CA did not issue it");
    }
    String spiffeId =
        IdentityReader.read(certificate)
            .spiffeId()
            .map(Object::toString)
            .orElseThrow(() -> new PortcullisException("PRTC0438E", sha, "no SPIFFE ID"));
    RegistrationRecord record =
        store
            .registration(spiffeId)
            .orElseThrow(() -> new PortcullisException("PRTC0438E", sha, "no registration"));
    List<String> revoked =
        store.revocations(store.areaRevocationsFile(record.area())).entries().stream()
            .map(RevokedEntry::sha256)
            .toList();
    List<LineageEntry> chain = new ArrayList<>();
    String next = sha;
    int guard = record.certificates().size() + 1;
    while (next != null) {
      if (guard-- == 0) {
        throw new PortcullisException("PRTC0438E", sha, "the lineage loops");
      }
      String wanted = next;
      IssuedRef ref =
          record.certificates().stream()
              .filter(r -> r.sha256().equals(wanted))
              .findFirst()
              .orElseThrow(
                  () -> new PortcullisException("PRTC0438E", wanted, "not in the registration"));
      X509Certificate cert =
          store
              .issuedCertificate(wanted)
              .orElseThrow(() -> new PortcullisException("PRTC0438E", wanted, "file missing"));
      Optional<String> previous;
      try {
        previous = Lineage.previousSha256(cert);
      } catch (IOException e) {
        throw new PortcullisException(e, "PRTC0438E", wanted, e.getMessage());
      }
      if (!previous.equals(Optional.ofNullable(ref.previous()))) {
        throw new PortcullisException(
            "PRTC0438E", wanted, "its lineage extension disagrees with the CA's records");
      }
      chain.add(
          new LineageEntry(
              ref.serial(),
              ref.sha256(),
              instant(ref.notBefore(), wanted),
              instant(ref.notAfter(), wanted),
              previous,
              instant(ref.issuedAt(), wanted),
              ref.operator(),
              revoked.contains(ref.sha256())));
      next = ref.previous();
    }
    Collections.reverse(chain);
    return new LineageReport(
        record.spiffeId(),
        record.area(),
        record.approvedBy(),
        instant(record.registeredAt(), record.spiffeId()),
        chain);
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** One state-changing step, run under the directory lock. */
  @FunctionalInterface
  private interface Step<T> {
    T run() throws PortcullisException;
  }

  private <T> T locked(String event, String operator, String workload, String area, Step<T> step)
      throws PortcullisException {
    return lockedWith(event, operator, new String[] {workload}, area, step);
  }

  private <T> T locked(String event, String operator, String[] workload, Step<T> step)
      throws PortcullisException {
    return lockedWith(event, operator, workload, null, step);
  }

  /** {@code workload[0]} may be filled in by the step once it knows whom the request is for. */
  private <T> T lockedWith(
      String event, String operator, String[] workload, String area, Step<T> step)
      throws PortcullisException {
    try (FileChannel channel =
            FileChannel.open(
                store.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (!lock.isValid()) {
        throw new IOException("the lock was released at once");
      }
      try {
        return step.run();
      } catch (PortcullisException e) {
        refused(event, operator, workload[0], area, e);
        throw e;
      } catch (RuntimeException e) {
        PortcullisException wrapped =
            new PortcullisException(
                e, "PRTC0445E", event, e.getClass().getSimpleName() + ": " + e.getMessage());
        refused(event, operator, workload[0], area, wrapped);
        throw wrapped;
      }
    } catch (IOException e) {
      throw new PortcullisException(e, "PRTC0442E", store.lockFile(), e.getMessage());
    }
  }

  private void refused(
      String event, String operator, String workload, String area, PortcullisException cause) {
    try {
      audit.append(
          new Entry(
              clock.instant(),
              "refuse",
              operator,
              workload,
              area,
              null,
              null,
              null,
              cause.messageId(),
              event + ": " + cause.getMessage()));
    } catch (PortcullisException e) {
      cause.addSuppressed(e);
    }
  }

  private static Instant instant(String text, String where) throws PortcullisException {
    if (text == null) {
      throw new PortcullisException("PRTC0403E", where, "missing time");
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new PortcullisException(e, "PRTC0403E", where, "bad time " + text);
    }
  }

  /** Lower-case hex SHA-256 of the certificate's DER. */
  public static String sha256(X509Certificate certificate) throws PortcullisException {
    return IdentityReader.sha256(certificate);
  }

  private static byte[] digest(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
