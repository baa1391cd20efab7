package io.portcullis.ca;

import io.portcullis.ca.StateRecords.IssuedRef;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.ca.StateRecords.RevokedEntry;
import io.portcullis.identity.IdentityReader;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Lineage: from a certificate back to its workload's first issuance, each link read from the
 * certificate's lineage extension and checked against the CA's records.
 */
final class LineageReader {
  private final CaStore store;

  LineageReader(CaContext ctx) {
    this.store = ctx.store;
  }

  /**
   * The lineage of {@code certificate}: its workload's registration and every certificate from the
   * first issuance to this one, following each certificate's lineage extension. Each link is
   * checked against the CA's records; a gap or mismatch is {@code PRTC0438E}.
   */
  LineageReport lineage(X509Certificate certificate) throws PortcullisException {
    String sha = CaContext.sha256(certificate);
    Optional<X509Certificate> known = store.issuedCertificate(sha);
    if (known.isEmpty()) {
      throw CaMessage.LINEAGE_BROKEN.exception(sha, "this CA did not issue it");
    }
    String spiffeId =
        IdentityReader.read(certificate)
            .spiffeId()
            .map(Object::toString)
            .orElseThrow(() -> CaMessage.LINEAGE_BROKEN.exception(sha, "no SPIFFE ID"));
    RegistrationRecord record =
        store
            .registration(spiffeId)
            .orElseThrow(() -> CaMessage.LINEAGE_BROKEN.exception(sha, "no registration"));
    List<String> revoked =
        store.revocations(store.areaRevocationsFile(record.area())).entries().stream()
            .map(RevokedEntry::sha256)
            .toList();
    List<LineageEntry> chain = new ArrayList<>();
    String next = sha;
    int guard = record.certificates().size() + 1;
    while (next != null) {
      if (guard-- == 0) {
        throw CaMessage.LINEAGE_BROKEN.exception(sha, "the lineage loops");
      }
      String wanted = next;
      IssuedRef ref =
          record.certificates().stream()
              .filter(r -> r.sha256().equals(wanted))
              .findFirst()
              .orElseThrow(
                  () -> CaMessage.LINEAGE_BROKEN.exception(wanted, "not in the registration"));
      X509Certificate cert =
          store
              .issuedCertificate(wanted)
              .orElseThrow(() -> CaMessage.LINEAGE_BROKEN.exception(wanted, "file missing"));
      Optional<String> previous;
      try {
        previous = Lineage.previousSha256(cert);
      } catch (IOException e) {
        throw CaMessage.LINEAGE_BROKEN.causedBy(e, wanted, e.getMessage());
      }
      if (!previous.equals(Optional.ofNullable(ref.previous()))) {
        throw CaMessage.LINEAGE_BROKEN.exception(
            wanted, "its lineage extension disagrees with the CA's records");
      }
      chain.add(
          new LineageEntry(
              ref.serial(),
              ref.sha256(),
              CaContext.instant(ref.notBefore(), wanted),
              CaContext.instant(ref.notAfter(), wanted),
              previous,
              CaContext.instant(ref.issuedAt(), wanted),
              ref.operator(),
              revoked.contains(ref.sha256())));
      next = ref.previous();
    }
    Collections.reverse(chain);
    return new LineageReport(
        record.spiffeId(),
        record.area(),
        record.approvedBy(),
        CaContext.instant(record.registeredAt(), record.spiffeId()),
        chain);
  }
}
