package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.ca.StateRecords.IssuedRef;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Issuance and renewal: a first certificate for the holder of a join token, and renewals by proof
 * of possession of the current key, each recorded in the workload's registration and linked to the
 * certificate it renews by the lineage extension.
 */
final class Issuance {
  private final CaContext ctx;
  private final CaStore store;
  private final CaConfig config;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final SigningProvider signing;
  private final java.util.Map<String, LeafIssuer> issuers =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Revocations revocations;

  /**
   * How long after a renewal its certificate may be given up as never delivered: the workload (a
   * server killed between the CA's answer and storing it, a token that lost the new key) asks again
   * from the certificate before it, and the lost one is revoked as superseded.
   */
  static final java.time.Duration UNDELIVERED_GRACE = java.time.Duration.ofMinutes(10);

  Issuance(CaContext ctx, Revocations revocations) {
    this.ctx = ctx;
    this.revocations = revocations;
    this.store = ctx.store;
    this.config = ctx.config;
    this.audit = ctx.audit;
    this.clock = ctx.clock;
    this.random = ctx.random;
    this.signing = ctx.signing;
  }

  /**
   * First issuance: a certificate for the workload the join token was made for, from its CSR. The
   * token is used up. {@code lifetime} null means the registration's maximum.
   */
  IssuedCertificate issue(
      String joinToken, PKCS10CertificationRequest csr, Duration lifetime, String operator)
      throws PortcullisException {
    String[] workload = {null};
    return ctx.locked(
        "issue",
        operator,
        workload,
        () -> {
          if (joinToken == null || !joinToken.startsWith(Registrar.TOKEN_PREFIX)) {
            throw CaMessage.JOIN_TOKEN_MISSING.exception();
          }
          String rest = joinToken.substring(Registrar.TOKEN_PREFIX.length());
          int dot = rest.indexOf('.');
          Optional<RegistrationRecord> found =
              dot < 0 ? Optional.empty() : store.registrationByKey(rest.substring(0, dot));
          if (found.isEmpty()) {
            throw CaMessage.JOIN_TOKEN_MISSING.exception();
          }
          RegistrationRecord record = found.get();
          workload[0] = record.spiffeId();
          if (!MessageDigest.isEqual(
              Registrar.tokenHash(joinToken).getBytes(StandardCharsets.US_ASCII),
              record.tokenSha256().getBytes(StandardCharsets.US_ASCII))) {
            throw CaMessage.JOIN_TOKEN_MISSING.exception();
          }
          if (record.tokenUsedAt() != null) {
            throw CaMessage.JOIN_TOKEN_USED.exception(record.spiffeId(), record.tokenUsedAt());
          }
          Instant now = clock.instant();
          Instant expires = CaContext.instant(record.tokenExpiresAt(), record.spiffeId());
          if (!now.isBefore(expires)) {
            throw CaMessage.JOIN_TOKEN_EXPIRED.exception(record.spiffeId(), expires);
          }
          AreaRecord area = ctx.liveArea(record.area());
          return issueAndRecord(record, area, csr, lifetime, now, null, operator, now.toString());
        });
  }

  /**
   * {@link CertificateAuthority#renew(X509Certificate, PKCS10CertificationRequest, byte[],
   * Duration, String)}.
   */
  IssuedCertificate renew(
      X509Certificate current,
      PKCS10CertificationRequest csr,
      byte[] proof,
      Duration lifetime,
      String operator)
      throws PortcullisException {
    String[] workload = {null};
    return ctx.locked(
        "renew",
        operator,
        workload,
        () -> {
          String currentSha = CaContext.sha256(current);
          Optional<X509Certificate> issued = store.issuedCertificate(currentSha);
          if (issued.isEmpty() || !issued.get().equals(current)) {
            throw CaMessage.NOT_ISSUED_HERE.exception(
                current.getSubjectX500Principal(), currentSha);
          }
          WorkloadIdentity identity = IdentityReader.read(current);
          String spiffeId =
              identity
                  .spiffeId()
                  .map(Object::toString)
                  .orElseThrow(
                      () -> CaMessage.NOT_ISSUED_HERE.exception("no SPIFFE ID", currentSha));
          workload[0] = spiffeId;
          RegistrationRecord record =
              store
                  .registration(spiffeId)
                  .orElseThrow(() -> CaMessage.NOT_REGISTERED.exception(spiffeId));
          IssuedRef latest = record.current();
          Instant now = clock.instant();
          IssuedRef undelivered = null;
          if (latest == null || !latest.sha256().equals(currentSha)) {
            if (!undelivered(latest, currentSha, now)) {
              throw CaMessage.NOT_CURRENT.exception(
                  currentSha, latest == null ? "none" : latest.sha256());
            }
            undelivered = latest;
          }
          AreaRecord area = ctx.liveArea(record.area());
          if (store.revocations(store.areaRevocationsFile(area.name())).contains(currentSha)) {
            throw CaMessage.CURRENT_REVOKED.exception(currentSha);
          }
          if (now.isAfter(current.getNotAfter().toInstant())
              || now.isBefore(current.getNotBefore().toInstant())) {
            throw CaMessage.CURRENT_NOT_VALID.exception(
                currentSha, current.getNotAfter().toInstant(), now);
          }
          byte[] csrDer;
          byte[] newKey;
          try {
            csrDer = csr.getEncoded();
            newKey = csr.getSubjectPublicKeyInfo().getEncoded();
          } catch (IOException e) {
            throw CaMessage.REQUEST_UNREADABLE.causedBy(e, e.getMessage());
          }
          if (proof == null || !RenewalProof.verify(current.getPublicKey(), csrDer, proof)) {
            throw CaMessage.RENEWAL_PROOF_MISSING.exception(spiffeId, currentSha);
          }
          if (Arrays.equals(newKey, current.getPublicKey().getEncoded())) {
            throw CaMessage.KEY_REUSED.exception(spiffeId);
          }
          if (undelivered != null) {
            // Proven by the key of the certificate before it: the same holder asks again, so the
            // renewal it never received is revoked, and this one continues the lineage.
            if (!store
                .revocations(store.areaRevocationsFile(area.name()))
                .contains(undelivered.sha256())) {
              revocations.revokeHeld(
                  record,
                  undelivered,
                  "superseded",
                  operator,
                  "reason=superseded: never delivered; renewed again from " + currentSha);
            }
          }
          return issueAndRecord(record, area, csr, lifetime, now, currentSha, operator, null);
        });
  }

  /**
   * Whether {@code latest} is a renewal of {@code currentSha} issued less than {@link
   * #UNDELIVERED_GRACE} ago: one the workload may never have received.
   */
  private static boolean undelivered(IssuedRef latest, String currentSha, Instant now) {
    if (latest == null || !currentSha.equals(latest.previous()) || latest.issuedAt() == null) {
      return false;
    }
    Instant issued;
    try {
      issued = Instant.parse(latest.issuedAt());
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
    return !now.isBefore(issued) && now.isBefore(issued.plus(UNDELIVERED_GRACE));
  }

  /** {@link CertificateAuthority#successor(X509Certificate)}. */
  Optional<IssuedCertificate> successor(X509Certificate replaced) throws PortcullisException {
    String replacedSha = CaContext.sha256(replaced);
    Optional<X509Certificate> known = store.issuedCertificate(replacedSha);
    if (known.isEmpty() || !known.get().equals(replaced)) {
      return Optional.empty();
    }
    Optional<String> spiffeId = IdentityReader.read(replaced).spiffeId().map(Object::toString);
    Optional<RegistrationRecord> record =
        spiffeId.isEmpty() ? Optional.empty() : store.registration(spiffeId.get());
    IssuedRef latest = record.map(RegistrationRecord::current).orElse(null);
    if (latest == null || !replacedSha.equals(latest.previous())) {
      return Optional.empty();
    }
    Optional<X509Certificate> leaf = store.issuedCertificate(latest.sha256());
    if (leaf.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new IssuedCertificate(
            List.of(leaf.get(), store.certificate(store.areaCertFile(record.get().area()))),
            record.get().spiffeId(),
            record.get().area(),
            latest.sha256(),
            Optional.of(replacedSha)));
  }

  private IssuedCertificate issueAndRecord(
      RegistrationRecord record,
      AreaRecord area,
      PKCS10CertificationRequest csr,
      Duration lifetime,
      Instant now,
      String previous,
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
    String sha = CaContext.sha256(leaf);
    String serial = leaf.getSerialNumber().toString(16);
    String detail = "notAfter=" + leaf.getNotAfter().toInstant();
    // One transaction. The intent first: without it nothing changes, and PRTC0404E is true.
    audit.append(
        Entry.intent(now, operator, record.spiffeId(), area.name(), serial, sha, previous, detail));
    // Then the certificate file (an orphan is harmless) and the registration that makes the
    // issuance, and the join token's use, visible; each write replaces its file whole.
    Path certFile = store.certFile(sha);
    boolean registrationWritten = false;
    try {
      store.writeText(certFile, Pem.encode(leaf), false);
      registrationWritten = true;
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
    } catch (PortcullisException e) {
      // A write can fail after its rename (the directory's fsync): the new registration may be
      // in place, so the old one is put back, not assumed.
      throw registrationWritten ? undo(record, certFile, serial, e) : undone(record, certFile, e);
    }
    // Last the result. If it cannot be recorded the issuance is undone: the registration as it
    // was (the join token unspent), the certificate never handed out.
    try {
      audit.append(
          Entry.issued(
              now, operator, record.spiffeId(), area.name(), serial, sha, previous, detail));
    } catch (PortcullisException e) {
      throw undo(record, certFile, serial, e);
    }
    return new IssuedCertificate(
        List.of(leaf, intermediate),
        record.spiffeId(),
        area.name(),
        sha,
        Optional.ofNullable(previous));
  }

  /**
   * Puts the registration back as {@code record} after {@code failure}, and answers the message
   * that says what is now true: undone ({@code PRTC0469E}) when the registration file holds the old
   * record again, whether the undo wrote it or the failed write never replaced it; else issued but
   * unrecorded ({@code PRTC0470E}), the certificate file kept for the registration that names it.
   */
  private PortcullisException undo(
      RegistrationRecord record, Path certFile, String serial, PortcullisException failure) {
    try {
      store.write(store.registrationFile(record.spiffeId()), record);
    } catch (PortcullisException undo) {
      failure.addSuppressed(undo);
      boolean asBefore;
      try {
        asBefore = store.registration(record.spiffeId()).map(record::equals).orElse(false);
      } catch (PortcullisException unreadable) {
        failure.addSuppressed(unreadable);
        asBefore = false;
      }
      if (!asBefore) {
        return CaMessage.ISSUANCE_UNRECORDED.causedBy(
            failure, serial, record.spiffeId(), failure.getMessage());
      }
    }
    return undone(record, certFile, failure);
  }

  private static PortcullisException undone(
      RegistrationRecord record, Path certFile, PortcullisException failure) {
    forget(certFile);
    return CaMessage.ISSUANCE_UNDONE.causedBy(failure, record.spiffeId(), failure.getMessage());
  }

  /** Removes a certificate file no registration names; one left behind is harmless. */
  private static void forget(Path certFile) {
    try {
      java.nio.file.Files.deleteIfExists(certFile);
    } catch (java.io.IOException e) {
      // an orphan: nothing refers to it
    }
  }

  /**
   * O=CA name, OU=area, CN=SPIFFE ID when it fits the 64-character CN limit. Never a host-like CN:
   * the JDK checks a CN as a DNS name against the area's DNS constraints when the leaf has no DNS
   * SAN, so CN=api would fail validation; a SPIFFE ID is not a DNS name and is skipped.
   */
  /**
   * The area's signer, kept while the area's intermediate file holds the same certificate: parsing
   * and converting the key per issuance cost more than the signature. The file is read at each
   * issuance (under the directory lock), because a root rollover's activation replaces it with the
   * intermediate certified by the new root (same name, same key), and new chains must follow at
   * once, also in a {@code ca serve} opened before the activation.
   */
  private LeafIssuer issuer(String area) throws PortcullisException {
    X509Certificate intermediate = store.certificate(store.areaCertFile(area));
    LeafIssuer cached = issuers.get(area);
    if (cached == null || !cached.issuerCertificate().equals(intermediate)) {
      cached =
          new LeafIssuer(
              intermediate,
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
}
