package io.portcullis.ca;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.NameScope;
import io.portcullis.trust.TrustArea;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The Portcullis private CA over its state directory. This is the in-process API; the CLI and
 * {@code ca serve} are thin layers over it. It is a facade over one class per responsibility:
 * {@link Ceremony} (root, areas, root CRL), {@link Registrar} (vetted workloads, join tokens),
 * {@link Issuance} (first issuance, renewal), {@link Revocations} (revocation, CRLs) and {@link
 * LineageReader}, which share {@link CaContext}.
 *
 * <p>Every operation that changes state takes the directory's lock, checks everything first, then
 * writes new files and replaces changed ones atomically, the record that makes the change visible
 * last, and appends an audit entry. A refused operation changes nothing but the audit log, where
 * the refusal is recorded with its message ID. The state-changing methods are also synchronized:
 * one operation at a time per process, one per directory across processes.
 *
 * <p>The root key is passed only to the ceremony steps ({@link #createArea}, {@link #retireArea},
 * {@link #publishRootCrl}); nothing else needs or reads it.
 */
public final class CertificateAuthority {
  /** How long a published area CRL is valid by default. */
  public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(2);

  /** How long a published root CRL is valid by default (the next ceremony must come sooner). */
  public static final Duration DEFAULT_ROOT_CRL_VALIDITY = Duration.ofDays(90);

  private final CaContext ctx;
  private final Revocations revocations;
  private final Ceremony ceremony;
  private final RootRollover rollover;
  private final Registrar registrar;
  private final Issuance issuance;
  private final LineageReader lineage;

  CertificateAuthority(CaContext ctx) {
    this.ctx = ctx;
    this.revocations = new Revocations(ctx);
    this.ceremony = new Ceremony(ctx, revocations);
    this.rollover = new RootRollover(ctx);
    this.registrar = new Registrar(ctx);
    this.issuance = new Issuance(ctx, revocations);
    this.lineage = new LineageReader(ctx);
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
        new CaContext(
            new CaStore(dir),
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(random, "random"),
            Objects.requireNonNull(signing, "signing")));
  }

  /**
   * The root ceremony: creates the root key where {@code rootKey} says (a new PKCS#12 file, or a
   * key generated inside the token), the self-signed root certificate and the state directory.
   * {@code dir} must not exist or be empty. Afterwards put the root key away: only {@link
   * #createArea}, {@link #retireArea} and {@link #publishRootCrl} need it.
   */
  public static CertificateAuthority init(
      Path dir, CaSpec spec, RootKeySpec rootKey, String operator, Clock clock, SecureRandom random)
      throws PortcullisException {
    return Ceremony.init(dir, spec, rootKey, operator, clock, random);
  }

  /**
   * The active root certificate, as the state directory holds it now (a rollover activated since
   * this CA was opened included); during a rollover validators trust {@link #trustedRoots} too.
   */
  public X509Certificate rootCertificate() throws PortcullisException {
    return ctx.root();
  }

  /** The SPIFFE trust domain. */
  public String trustDomain() {
    return ctx.config.trustDomain();
  }

  /**
   * Records the refusals counted but not yet summarised in the audit log ({@code refuse-summary}),
   * as a CA that stops serving does.
   */
  public void flushRefusals() throws PortcullisException {
    ctx.flushRefusals();
  }

  /** The state directory's files (tests: to put faults in the way of its writes). */
  CaStore store() {
    return ctx.store;
  }

  /** The audit log (tests: to put faults in its way). */
  AuditLog audit() {
    return ctx.audit;
  }

  /**
   * Checks the audit log's hash chain, its head and its witness: every entry links to the one
   * before it, and the log ends where its head says and no earlier than its witness. Reads only;
   * needs no lock.
   */
  public AuditCheck checkAudit() throws PortcullisException {
    return checkAudit(null, null);
  }

  /**
   * {@link #checkAudit()}, and against what the operator vouches for from outside the state
   * directory: {@code witness}, the witness file their runbook names (the state directory must
   * still name it), and {@code head}, a head they copied earlier ("entries sha256"). Either may be
   * null.
   */
  public AuditCheck checkAudit(Path witness, String head) throws PortcullisException {
    java.util.List<AuditLog.Claim> claims = new java.util.ArrayList<>();
    if (witness != null) {
      claims.add(new AuditLog.Claim("the witness " + witness, ctx.audit.readWitness(witness)));
    }
    if (head != null) {
      try {
        claims.add(new AuditLog.Claim("the head given", AuditLog.parseHead(head)));
      } catch (java.io.IOException e) {
        throw CaMessage.VALUE_INVALID.exception("audit head", head, e.getMessage());
      }
    }
    AuditLog.Verification verification = ctx.audit.verify(claims);
    java.util.Optional<String> fault = verification.fault();
    if (fault.isEmpty()
        && witness != null
        && !verification.witness().map(witness.toAbsolutePath()::equals).orElse(false)) {
      fault =
          java.util.Optional.of(
              "the state directory names "
                  + verification.witness().map(Path::toString).orElse("no witness")
                  + " as its witness, not "
                  + witness
                  + ": "
                  + ctx.audit.witnessPointer()
                  + " was changed or removed");
    }
    return new AuditCheck(
        verification.entries(),
        verification.unchained(),
        verification.head().toString(),
        verification.witness().map(Path::toString),
        fault);
  }

  /**
   * Checks {@code lineage} against the audit log: the log holds (as {@link #checkAudit()}), and
   * every certificate of the lineage has its issue or renew entry with the same predecessor, and
   * the registration's approver is the one its register entry names. Empty when they agree.
   */
  public java.util.Optional<String> auditDisagreement(LineageReport lineage)
      throws PortcullisException {
    AuditCheck check = checkAudit();
    if (check.fault().isPresent()) {
      return check.fault();
    }
    return ctx.audit.disagreement(lineage);
  }

  /**
   * Names {@code witness} as the audit log's witness from now on: a file outside the state
   * directory, best on another host's mount, that every append brings up to date with the log's
   * head, so a log cut or rewritten by someone who can write the state directory shows ({@code ca
   * audit verify --witness}). Refused ({@code PRTC0471E}) inside the state directory or where its
   * directory is missing; refused ({@code PRTC0440E}) while the log does not hold.
   */
  public void witnessAudit(Path witness, String operator) throws PortcullisException {
    Path absolute = witness.toAbsolutePath().normalize();
    ctx.locked(
        "audit-witness",
        operator,
        (String) null,
        null,
        () -> {
          if (absolute.startsWith(ctx.store.dir())) {
            throw CaMessage.WITNESS_INVALID.exception(
                absolute, "it is inside the state directory it is to witness");
          }
          Path parent = absolute.getParent();
          if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
            throw CaMessage.WITNESS_INVALID.exception(
                absolute, "its directory " + parent + " does not exist");
          }
          ctx.audit.witnessWith(absolute, ctx.clock.instant(), operator);
          return null;
        });
  }

  /** Where the ceremony put the root key (path or token), as recorded at {@code init}. */
  public String rootKeyLocation() {
    return ctx.rootKeyLocation();
  }

  /** The state directory. */
  public Path directory() {
    return ctx.store.dir();
  }

  /** The root certificate's PEM file in the state directory. */
  public Path rootCertificateFile() {
    return ctx.store.rootCertFile();
  }

  /** Area {@code area}'s intermediate certificate's PEM file in the state directory. */
  public Path areaCertificateFile(String area) {
    return ctx.store.areaCertFile(area);
  }

  /** The published CRL (DER) of area {@code name}, or the root's for {@code "root"}. */
  public Path crlFile(String name) {
    return ctx.store.crlFile(name);
  }

  /**
   * Ceremony step: creates area {@code spec.name()}, its intermediate (pathLen 0, name constraints:
   * the trust domain's URIs and the DNS subtrees) signed by the root key, and its first (empty)
   * CRL.
   */
  public synchronized Area createArea(AreaSpec spec, RootKey rootKey, String operator)
      throws PortcullisException {
    return ceremony.createArea(spec, rootKey, operator);
  }

  /**
   * Ceremony step: retires an area. The CA refuses every issuance and renewal in it from now on,
   * and the area's intermediate is revoked in a new root CRL, so validators that read the root CRL
   * refuse all its leaves.
   */
  public synchronized X509CRL retireArea(String name, RootKey rootKey, String operator)
      throws PortcullisException {
    return ceremony.retireArea(name, rootKey, operator);
  }

  /**
   * Root rollover, step 1 (ceremony): with the current root key, makes the next root (its key at
   * {@code nextKey}), certifies every live area's intermediate again under it (same key, same name)
   * and publishes both roots in the bundle files servers read ({@link #anchorsFile}, {@link
   * #areaCertificatesFile}, {@link #rootCrlsFile}). Nothing is signed under it yet.
   */
  public synchronized X509Certificate publishNextRoot(
      RootKey currentRootKey,
      RootKeySpec nextKey,
      KeyType keyType,
      Duration validity,
      String operator)
      throws PortcullisException {
    return rollover.next(currentRootKey, nextKey, keyType, validity, operator).root();
  }

  /**
   * Root rollover, step 2 (ceremony, with the next root key): the next root becomes the active one;
   * the areas' chains end at it from now on. Returns the earliest time the previous root may be
   * retired. The state on disk is the new one; open the CA again to see it through this API (a
   * running {@code ca serve} issues new chains at once, and answers with the new root after a
   * restart).
   */
  public synchronized Instant activateNextRoot(RootKey nextRootKey, String operator)
      throws PortcullisException {
    return rollover.activate(nextRootKey, operator);
  }

  /**
   * Root rollover, step 3: the previous root, its intermediates and its CRL leave the bundle files.
   * Refused ({@code PRTC0465E}) while certificates issued under it may still be in use, unless
   * {@code force}. Returns the retired root.
   */
  public synchronized X509Certificate retirePreviousRoot(boolean force, String operator)
      throws PortcullisException {
    return rollover.retirePrevious(force, operator);
  }

  /** The roots in {@link #anchorsFile}: the active one, and during a rollover the other. */
  public List<X509Certificate> trustedRoots() throws PortcullisException {
    return RootRollover.liveRoots(ctx.store, ctx.store.rootGenerations());
  }

  /**
   * The intermediates of the live areas under the roots of {@link #trustedRoots}, the active root's
   * first: during a rollover each live area has one under each root (same name, same key).
   */
  public List<X509Certificate> trustedIntermediates() throws PortcullisException {
    List<X509Certificate> intermediates = new ArrayList<>();
    for (StateRecords.AreaRecord record : ctx.store.areas()) {
      if (record.retired()) {
        continue;
      }
      X509Certificate active = ctx.store.certificate(ctx.store.areaCertFile(record.name()));
      intermediates.add(active);
      for (X509Certificate other : ctx.store.certificates(ctx.store.areaCertsFile(record.name()))) {
        if (!other.equals(active)) {
          intermediates.add(other);
        }
      }
    }
    return intermediates;
  }

  /** The clock this CA decides by. */
  java.time.Clock clock() {
    return ctx.clock;
  }

  /** Where a root rollover stands, for people ({@code root generation 2 is published, ...}). */
  public String rootRollover() throws PortcullisException {
    return RootRollover.describe(ctx.store.rootGenerations());
  }

  /** The roots servers should trust now (the bundle): one, or two during a rollover. */
  public Path anchorsFile() {
    return ctx.store.anchorsFile();
  }

  /** Area {@code area}'s intermediates under the roots of {@link #anchorsFile} (the bundle). */
  public Path areaCertificatesFile(String area) {
    return ctx.store.areaCertsFile(area);
  }

  /** The CRLs of the roots in {@link #anchorsFile}, in one PEM file (the bundle). */
  public Path rootCrlsFile() {
    return ctx.store.rootCrlsFile();
  }

  /** Ceremony step: re-signs the root CRL (revoked intermediates) with a fresh nextUpdate. */
  public synchronized X509CRL publishRootCrl(RootKey rootKey, Duration validity, String operator)
      throws PortcullisException {
    return ceremony.publishRootCrl(rootKey, validity, operator);
  }

  /** Every area, retired ones included, by name. */
  public List<Area> areas() throws PortcullisException {
    List<Area> areas = new ArrayList<>();
    for (StateRecords.AreaRecord record : ctx.store.areas()) {
      areas.add(ctx.toArea(record));
    }
    return areas;
  }

  /** The area {@code name}; {@code PRTC0407E} when there is none. */
  public Area area(String name) throws PortcullisException {
    return ctx.toArea(
        ctx.store.area(name).orElseThrow(() -> CaMessage.AREA_UNKNOWN.exception(name)));
  }

  /**
   * The trust areas a validator needs to trust this CA's workloads: one per live area, anchored at
   * the root, with the area's intermediate and the area's scope (its SPIFFE prefix and DNS
   * subtrees), so a leaf the area's key signed for another area's name is still refused.
   */
  public List<TrustArea> trustAreas() throws PortcullisException {
    List<TrustArea> areas = new ArrayList<>();
    X509Certificate root = ctx.root();
    for (Area area : areas()) {
      if (!area.retired()) {
        areas.add(
            new TrustArea(area.name(), List.of(root), List.of(area.certificate()))
                .withScope(NameScope.of(List.of(area.uriPrefix()), area.dnsSubtrees())));
      }
    }
    return areas;
  }

  /**
   * Records a vetted workload and returns its one-time join token. The SPIFFE ID must be under the
   * area's prefix, the DNS names within its subtrees, the lifetime within its maximum.
   */
  public synchronized JoinToken register(WorkloadRegistration registration, String operator)
      throws PortcullisException {
    return registrar.register(registration, operator);
  }

  /**
   * A fresh join token for a registered workload (the previous one stops working), for example
   * after the workload lost its key. The next issuance with it starts a new lineage.
   */
  public synchronized JoinToken newJoinToken(String spiffeId, Duration ttl, String operator)
      throws PortcullisException {
    return registrar.newJoinToken(spiffeId, ttl, operator);
  }

  /**
   * First issuance: a certificate for the workload the join token was made for, from its CSR. The
   * token is used up. {@code lifetime} null means the registration's maximum.
   */
  public synchronized IssuedCertificate issue(
      String joinToken, PKCS10CertificationRequest csr, Duration lifetime, String operator)
      throws PortcullisException {
    return issuance.issue(joinToken, csr, lifetime, operator);
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
    return issuance.renew(current, csr, proof, lifetime, operator);
  }

  /**
   * First issuance for a key pair held in process (a software key or one in a token): builds the
   * CSR with the key (asking for no names, so the leaf gets every registered name) and issues as
   * {@link #issue(String, PKCS10CertificationRequest, Duration, String)} does.
   */
  public IssuedCertificate issue(String joinToken, KeyPair keys, Duration lifetime, String operator)
      throws PortcullisException {
    return issue(joinToken, Csr.create(keys, null, List.of()).request(), lifetime, operator);
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
    Csr csr = Csr.create(newKeys, null, List.of());
    byte[] proof = RenewalProof.sign(currentKey, KeyType.of(current.getPublicKey()), csr.encoded());
    return renew(current, csr.request(), proof, lifetime, operator);
  }

  /**
   * The certificate that renewed {@code replaced}, when it is its workload's current one: what a
   * renewal agent that stopped between asking and storing needs to finish (it uses the certificate
   * only if it certifies the key it kept). Empty when {@code replaced} is not this CA's, or its
   * workload's latest certificate renews another.
   */
  public Optional<IssuedCertificate> successor(X509Certificate replaced)
      throws PortcullisException {
    return issuance.successor(replaced);
  }

  /**
   * Revokes a certificate this CA issued, named by serial (hex, colons allowed) or SHA-256
   * fingerprint, and publishes its area's CRL at once.
   */
  public synchronized X509CRL revoke(String serialOrFingerprint, String reason, String operator)
      throws PortcullisException {
    return revocations.revoke(serialOrFingerprint, reason, operator);
  }

  /** Whether this CA revoked the certificate with fingerprint {@code sha256}. */
  public boolean isRevoked(String area, String sha256) throws PortcullisException {
    return revocations.isRevoked(area, sha256);
  }

  /** Re-signs the area's CRL (signed by its intermediate) with a fresh nextUpdate. */
  public synchronized X509CRL publishCrl(String areaName, Duration validity, String operator)
      throws PortcullisException {
    return revocations.publishCrl(areaName, validity, operator);
  }

  /** The area's current CRL as published (DER file {@code crl/AREA.crl}). */
  public X509CRL currentCrl(String areaName) throws PortcullisException {
    return revocations.currentCrl(areaName);
  }

  /**
   * The lineage of {@code certificate}: its workload's registration and every certificate from the
   * first issuance to this one, following each certificate's lineage extension. Each link is
   * checked against the CA's records; a gap or mismatch is {@code PRTC0438E}.
   */
  public LineageReport lineage(X509Certificate certificate) throws PortcullisException {
    return lineage.lineage(certificate);
  }

  /** Lower-case hex SHA-256 of the certificate's DER. */
  public static String sha256(X509Certificate certificate) throws PortcullisException {
    return CaContext.sha256(certificate);
  }
}
