package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.IssuedRef;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.ca.StateRecords.RevocationList;
import io.portcullis.ca.StateRecords.RevokedEntry;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.Date;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Revocation and CRLs: revoking a certificate the CA issued, and building, signing and publishing
 * the area CRLs (signed by the area's intermediate) and the root CRL (signed by the root key, in a
 * ceremony).
 */
final class Revocations {
  private final CaContext ctx;
  private final CaStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final SigningProvider signing;

  Revocations(CaContext ctx) {
    this.ctx = ctx;
    this.store = ctx.store;
    this.audit = ctx.audit;
    this.clock = ctx.clock;
    this.random = ctx.random;
    this.signing = ctx.signing;
  }

  /**
   * Revokes a certificate this CA issued, named by serial (hex, colons allowed) or SHA-256
   * fingerprint, and publishes its area's CRL at once.
   */
  X509CRL revoke(String serialOrFingerprint, String reason, String operator)
      throws PortcullisException {
    String[] workload = {null};
    return ctx.locked(
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
            throw CaMessage.CERTIFICATE_UNKNOWN.exception(serialOrFingerprint);
          }
          workload[0] = owner.spiffeId();
          return revokeHeld(owner, found, reason, operator, "reason=" + reason);
        });
  }

  /**
   * Revokes {@code found} of {@code owner} and publishes its area's CRL; the caller holds the state
   * directory's lock. {@code detail} goes to the audit entry.
   */
  X509CRL revokeHeld(
      RegistrationRecord owner, IssuedRef found, String reason, String operator, String detail)
      throws PortcullisException {
    AreaRecord area =
        store.area(owner.area()).orElseThrow(() -> CaMessage.AREA_UNKNOWN.exception("(unknown)"));
    RevocationList list = store.revocations(store.areaRevocationsFile(area.name()));
    if (list.contains(found.sha256())) {
      throw CaMessage.ALREADY_REVOKED.exception(found.sha256());
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
    X509CRL crl = areaCrl(area, list, CertificateAuthority.DEFAULT_CRL_VALIDITY);
    store.write(store.areaRevocationsFile(area.name()), list);
    store.writeBytes(store.crlFile(area.name()), encoded(crl));
    audit.append(
        Entry.revoked(
            now,
            operator,
            owner.spiffeId(),
            area.name(),
            found.serial(),
            found.sha256(),
            found.previous(),
            detail));
    return crl;
  }

  private static String normalSerial(String serial) {
    String trimmed = serial.replaceFirst("^0+", "");
    return trimmed.isEmpty() ? "0" : trimmed;
  }

  /** Whether this CA revoked the certificate with fingerprint {@code sha256}. */
  boolean isRevoked(String area, String sha256) throws PortcullisException {
    return store.revocations(store.areaRevocationsFile(area)).contains(sha256);
  }

  /** Re-signs the area's CRL (signed by its intermediate) with a fresh nextUpdate. */
  X509CRL publishCrl(String areaName, Duration validity, String operator)
      throws PortcullisException {
    return ctx.locked(
        "crl",
        operator,
        null,
        areaName,
        () -> {
          AreaRecord area =
              store.area(areaName).orElseThrow(() -> CaMessage.AREA_UNKNOWN.exception(areaName));
          X509CRL crl = writeAreaCrl(area, validity);
          audit.append(
              Entry.crl(
                  clock.instant(),
                  operator,
                  areaName,
                  "nextUpdate " + crl.getNextUpdate().toInstant()));
          return crl;
        });
  }

  /** The area's current CRL as published (DER file {@code crl/AREA.crl}). */
  X509CRL currentCrl(String areaName) throws PortcullisException {
    Path file = store.crlFile(areaName);
    try {
      return (X509CRL)
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCRL(new java.io.ByteArrayInputStream(Files.readAllBytes(file)));
    } catch (IOException | CertificateException | CRLException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }

  X509CRL writeAreaCrl(AreaRecord area, Duration validity) throws PortcullisException {
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

  X509CRL buildCrl(
      X509Certificate issuer,
      PrivateKey key,
      SigningProvider provider,
      RevocationList list,
      Duration validity)
      throws PortcullisException {
    if (validity.isNegative() || validity.isZero()) {
      throw CaMessage.VALUE_INVALID.exception("CRL validity", validity, "a positive duration");
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
            Date.from(CaContext.instant(entry.revokedAt(), entry.sha256())),
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

  static byte[] encoded(X509CRL crl) {
    try {
      return crl.getEncoded();
    } catch (CRLException e) {
      throw new IllegalStateException("a CRL just built always encodes", e);
    }
  }
}
