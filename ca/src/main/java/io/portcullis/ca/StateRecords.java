package io.portcullis.ca;

import java.util.List;
import java.util.Objects;

/**
 * The JSON records of the CA's state directory. Each file carries {@code layoutVersion}; readers
 * refuse versions they do not know, and a record that fails its own checks is a corrupted file.
 */
final class StateRecords {
  static final int LAYOUT_VERSION = 1;

  private StateRecords() {}

  static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalArgumentException(what);
    }
  }

  static void version(int layoutVersion) {
    require(layoutVersion == LAYOUT_VERSION, "unsupported layoutVersion " + layoutVersion);
  }

  /** {@code portcullis-ca.json}: what the CA is and where its root key lives. */
  record CaConfig(
      int layoutVersion,
      String name,
      String trustDomain,
      String crlBaseUrl,
      String rootKeyType,
      String rootKeyKind,
      String rootKeyLocation,
      String createdAt,
      String createdBy) {
    CaConfig {
      version(layoutVersion);
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(trustDomain, "trustDomain");
      Objects.requireNonNull(crlBaseUrl, "crlBaseUrl");
      Objects.requireNonNull(rootKeyType, "rootKeyType");
      require("pkcs12".equals(rootKeyKind) || "pkcs11".equals(rootKeyKind), "rootKeyKind");
      Objects.requireNonNull(rootKeyLocation, "rootKeyLocation");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(createdBy, "createdBy");
    }
  }

  /**
   * {@code root/rollover.json}: the active root generation, the next one (published, not yet
   * signing) and the previous one (still trusted, no longer signing); at most one of the two.
   * {@code nextKeyKind} and {@code nextKeyLocation} say where the next root's key was made; {@code
   * previousValidUntil}, recorded at activation, until when the last certificate issued through the
   * previous root is valid (absent in files written before it was recorded).
   */
  record RootGenerations(
      int layoutVersion,
      int active,
      Integer next,
      Integer previous,
      String activatedAt,
      String nextKeyKind,
      String nextKeyLocation,
      String previousValidUntil) {
    RootGenerations {
      version(layoutVersion);
      require(active >= 1, "active must be a generation");
      require(next == null || next == active + 1, "next must follow active");
      require(previous == null || previous == active - 1, "previous must precede active");
      require(next == null || previous == null, "a rollover at a time");
      require(next == null || nextKeyKind != null && nextKeyLocation != null, "next key");
      require(previous == null || activatedAt != null, "previous needs activatedAt");
    }

    static RootGenerations first() {
      return new RootGenerations(LAYOUT_VERSION, 1, null, null, null, null, null, null);
    }

    /** The generations servers should trust now, oldest first. */
    List<Integer> live() {
      List<Integer> live = new java.util.ArrayList<>();
      if (previous != null) {
        live.add(previous);
      }
      live.add(active);
      if (next != null) {
        live.add(next);
      }
      return List.copyOf(live);
    }

    boolean underWay() {
      return next != null || previous != null;
    }
  }

  /** {@code areas/NAME/area.json}. */
  record AreaRecord(
      int layoutVersion,
      String name,
      String uriPrefix,
      List<String> dnsSubtrees,
      long maxLeafLifetimeSeconds,
      String keyType,
      String createdAt,
      String createdBy,
      boolean retired,
      String retiredAt) {
    AreaRecord {
      version(layoutVersion);
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uriPrefix, "uriPrefix");
      dnsSubtrees = List.copyOf(dnsSubtrees);
      require(maxLeafLifetimeSeconds > 0, "maxLeafLifetimeSeconds must be positive");
      Objects.requireNonNull(keyType, "keyType");
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(createdBy, "createdBy");
      require(!retired || retiredAt != null, "a retired area needs retiredAt");
    }

    AreaRecord retire(String when) {
      return new AreaRecord(
          layoutVersion,
          name,
          uriPrefix,
          dnsSubtrees,
          maxLeafLifetimeSeconds,
          keyType,
          createdAt,
          createdBy,
          true,
          when);
    }
  }

  /** One certificate in a workload's lineage. */
  record IssuedRef(
      String serial,
      String sha256,
      String notBefore,
      String notAfter,
      String previous,
      String issuedAt,
      String operator) {
    IssuedRef {
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(notBefore, "notBefore");
      Objects.requireNonNull(notAfter, "notAfter");
      Objects.requireNonNull(issuedAt, "issuedAt");
      Objects.requireNonNull(operator, "operator");
    }
  }

  /** {@code workloads/KEY.json}: a vetted workload, its join token and its lineage. */
  record RegistrationRecord(
      int layoutVersion,
      String spiffeId,
      String area,
      List<String> dnsNames,
      String keyType,
      long maxLifetimeSeconds,
      List<String> usages,
      String approvedBy,
      String registeredAt,
      String tokenSha256,
      String tokenExpiresAt,
      String tokenUsedAt,
      List<IssuedRef> certificates) {
    RegistrationRecord {
      version(layoutVersion);
      Objects.requireNonNull(spiffeId, "spiffeId");
      Objects.requireNonNull(area, "area");
      dnsNames = List.copyOf(dnsNames);
      Objects.requireNonNull(keyType, "keyType");
      require(maxLifetimeSeconds > 0, "maxLifetimeSeconds must be positive");
      usages = List.copyOf(usages);
      require(!usages.isEmpty(), "usages");
      Objects.requireNonNull(approvedBy, "approvedBy");
      Objects.requireNonNull(registeredAt, "registeredAt");
      Objects.requireNonNull(tokenSha256, "tokenSha256");
      Objects.requireNonNull(tokenExpiresAt, "tokenExpiresAt");
      certificates = List.copyOf(certificates);
    }

    IssuedRef current() {
      return certificates.isEmpty() ? null : certificates.get(certificates.size() - 1);
    }

    RegistrationRecord withIssued(IssuedRef issued, String tokenUsed) {
      List<IssuedRef> all = new java.util.ArrayList<>(certificates);
      all.add(issued);
      return new RegistrationRecord(
          layoutVersion,
          spiffeId,
          area,
          dnsNames,
          keyType,
          maxLifetimeSeconds,
          usages,
          approvedBy,
          registeredAt,
          tokenSha256,
          tokenExpiresAt,
          tokenUsedAt != null ? tokenUsedAt : tokenUsed,
          all);
    }

    RegistrationRecord withNewToken(String sha256, String expiresAt) {
      return new RegistrationRecord(
          layoutVersion,
          spiffeId,
          area,
          dnsNames,
          keyType,
          maxLifetimeSeconds,
          usages,
          approvedBy,
          registeredAt,
          sha256,
          expiresAt,
          null,
          certificates);
    }
  }

  /** One revoked certificate. */
  record RevokedEntry(
      String serial,
      String sha256,
      String subject,
      String revokedAt,
      String reason,
      String operator) {
    RevokedEntry {
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(revokedAt, "revokedAt");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(operator, "operator");
    }
  }

  /** {@code areas/NAME/revocations.json} and {@code root/revocations.json}. */
  record RevocationList(int layoutVersion, long crlNumber, List<RevokedEntry> entries) {
    RevocationList {
      version(layoutVersion);
      require(crlNumber >= 0, "crlNumber");
      entries = List.copyOf(entries);
    }

    static RevocationList empty() {
      return new RevocationList(LAYOUT_VERSION, 0, List.of());
    }

    RevocationList with(RevokedEntry entry) {
      List<RevokedEntry> all = new java.util.ArrayList<>(entries);
      all.add(entry);
      return new RevocationList(layoutVersion, crlNumber, all);
    }

    RevocationList nextCrl() {
      return new RevocationList(layoutVersion, crlNumber + 1, entries);
    }

    boolean contains(String sha256) {
      return entries.stream().anyMatch(e -> e.sha256().equals(sha256));
    }
  }
}
