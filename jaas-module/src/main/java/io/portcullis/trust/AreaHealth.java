package io.portcullis.trust;

import io.portcullis.messages.CoreMessage;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether one trust area can decide, as its readiness check reports it: UP while its anchors and
 * intermediates are valid and, with hard-fail revocation, every CRL it holds is current; DOWN, with
 * the message that says why, when an anchor or intermediate has expired ({@code PRTC0156E}, {@code
 * PRTC0157E}) or a hard-fail area holds a CRL past its nextUpdate ({@code PRTC0158E}).
 *
 * @param area the area's name
 * @param up whether the check is UP
 * @param downId the message ID that says why it is DOWN
 * @param reason the message that says why it is DOWN, or empty when UP
 * @param data name and value pairs for the check's data: certificates by subject with their
 *     notAfter, CRLs by issuer with thisUpdate and nextUpdate; never a key or a secret
 */
public record AreaHealth(
    String area, boolean up, Optional<String> downId, String reason, Map<String, String> data) {

  public AreaHealth {
    data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** The health of {@code area} at {@code now}. */
  public static AreaHealth of(TrustArea area, Instant now) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("area", area.name());
    data.put("revocation", area.revocation().mode().name().toLowerCase(java.util.Locale.ROOT));
    data.put("anchors", String.valueOf(area.anchors().size()));
    if (area.anchors().size() > 1) {
      // Two roots in one anchors file: a root rollover (ca.md) between `root next` and
      // `root retire-previous`, or an area that trusts two roots on purpose.
      data.put("rollover", "several roots in force");
    }
    String down = null;
    for (X509Certificate anchor : area.anchors()) {
      data.put("anchor " + subject(anchor), notAfter(anchor).toString());
      if (down == null && !now.isBefore(notAfter(anchor))) {
        down =
            CoreMessage.AREA_ANCHOR_EXPIRED.format(area.name(), subject(anchor), notAfter(anchor));
      }
    }
    for (X509Certificate intermediate : area.intermediates()) {
      data.put("ca " + subject(intermediate), notAfter(intermediate).toString());
      if (down == null && !now.isBefore(notAfter(intermediate))) {
        down =
            CoreMessage.AREA_CA_EXPIRED.format(
                area.name(), subject(intermediate), notAfter(intermediate));
      }
    }
    List<X509CRL> crls = area.revocation().crls().crls();
    for (X509CRL crl : crls) {
      String issuer = crl.getIssuerX500Principal().getName();
      Instant nextUpdate = crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
      data.put(
          "crl " + issuer,
          "thisUpdate "
              + crl.getThisUpdate().toInstant()
              + ", nextUpdate "
              + (nextUpdate == null ? "none" : nextUpdate));
      if (down == null
          && area.revocation().mode() == RevocationMode.HARD_FAIL
          && nextUpdate != null
          && now.isAfter(nextUpdate)) {
        down = CoreMessage.AREA_CRL_STALE.format(area.name(), issuer, nextUpdate);
      }
    }
    if (down == null) {
      return new AreaHealth(area.name(), true, Optional.empty(), "", data);
    }
    String id = down.substring(0, 9);
    data.put("downId", id);
    return new AreaHealth(area.name(), false, Optional.of(id), down, data);
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private static Instant notAfter(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }
}
