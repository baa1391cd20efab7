package io.portcullis.trust;

import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Validates chains with the JDK's PKIX {@link CertPathBuilder} against each configured {@link
 * TrustArea} in turn; the first area that builds a valid path accepts. Path building (not just
 * validation of the presented order) tolerates callers that omit or reorder intermediates the area
 * already knows.
 */
public final class PkixTrustValidator implements TrustValidator {
  private final List<TrustArea> areas;
  private final Clock clock;

  public PkixTrustValidator(List<TrustArea> areas, Clock clock) {
    this.areas = List.copyOf(areas);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public TrustDecision validate(List<X509Certificate> chain, Purpose purpose) {
    if (chain == null || chain.isEmpty() || chain.get(0) == null) {
      return TrustDecision.reject("PRTC0101E");
    }
    if (areas.isEmpty()) {
      return TrustDecision.reject("PRTC0102E");
    }
    X509Certificate leaf = chain.get(0);
    Date now = Date.from(clock.instant());
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      return TrustDecision.reject(
          "PRTC0103E", subject(leaf), leaf.getNotAfter().toInstant(), now.toInstant());
    } catch (CertificateNotYetValidException e) {
      return TrustDecision.reject("PRTC0104E", subject(leaf), leaf.getNotBefore().toInstant());
    }
    TrustDecision eku = checkExtendedKeyUsage(leaf, purpose);
    if (!eku.accepted()) {
      return eku;
    }
    List<String> failures = new ArrayList<>();
    for (TrustArea area : areas) {
      String failure = tryArea(area, chain, now);
      if (failure == null) {
        return TrustDecision.accept(area.name());
      }
      failures.add(area.name() + ": " + failure);
    }
    return TrustDecision.reject("PRTC0105E", subject(leaf), String.join("; ", failures));
  }

  private static String tryArea(TrustArea area, List<X509Certificate> chain, Date now) {
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(chain.get(0));
      PKIXBuilderParameters params = new PKIXBuilderParameters(area.trustAnchors(), target);
      params.setDate(now);
      // Revocation is decided by Portcullis' own CRL handling per area, not by the JDK's
      // network-fetching checker, so a CA being down cannot stall a handshake.
      params.setRevocationEnabled(false);
      List<X509Certificate> pool = new ArrayList<>(chain);
      pool.addAll(area.intermediates());
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      CertPathBuilder.getInstance("PKIX").build(params);
      return null;
    } catch (CertPathBuilderException e) {
      return e.getMessage();
    } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static TrustDecision checkExtendedKeyUsage(X509Certificate leaf, Purpose purpose) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      // RFC 5280 4.2.1.12: without the extension the key is not restricted by EKU.
      if (eku != null && !eku.contains(purpose.ekuOid()) && !eku.contains("2.5.29.37.0")) {
        return TrustDecision.reject("PRTC0106E", subject(leaf), purpose, eku);
      }
      return TrustDecision.accept("");
    } catch (CertificateParsingException e) {
      return TrustDecision.reject("PRTC0107E", subject(leaf), e.getMessage());
    }
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
