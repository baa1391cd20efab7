package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.identity.SpiffeId;
import io.portcullis.messages.PortcullisException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Workload registration: the vetting record of a workload (its SPIFFE ID under the area's prefix,
 * DNS names within the area's subtrees, key type, lifetime, usages, approver) and its one-time join
 * token, of which only a hash is stored.
 */
final class Registrar {
  /** Every join token starts with this: the format's version. */
  static final String TOKEN_PREFIX = "ptj1.";

  private final CaContext ctx;
  private final CaStore store;
  private final Clock clock;
  private final SecureRandom random;

  Registrar(CaContext ctx) {
    this.ctx = ctx;
    this.store = ctx.store;
    this.clock = ctx.clock;
    this.random = ctx.random;
  }

  /**
   * Records a vetted workload and returns its one-time join token. The SPIFFE ID must be under the
   * area's prefix, the DNS names within its subtrees, the lifetime within its maximum.
   */
  JoinToken register(WorkloadRegistration registration, String operator)
      throws PortcullisException {
    return ctx.locked(
        "register",
        operator,
        registration.spiffeId(),
        registration.area(),
        () -> {
          AreaRecord area = ctx.liveArea(registration.area());
          SpiffeId.parse(registration.spiffeId());
          if (!registration.spiffeId().startsWith(area.uriPrefix())
              || registration.spiffeId().length() == area.uriPrefix().length()) {
            throw CaMessage.REGISTRATION_OUTSIDE_PREFIX.exception(
                registration.spiffeId(), area.uriPrefix());
          }
          for (String dns : registration.dnsNames()) {
            if (!AreaSpec.validDnsName(dns) || !AreaSpec.withinSubtrees(dns, area.dnsSubtrees())) {
              throw CaMessage.REGISTRATION_DNS_OUTSIDE.exception(
                  registration.spiffeId(), dns, area.dnsSubtrees());
            }
          }
          if (registration.maxLifetime().toSeconds() > area.maxLeafLifetimeSeconds()
              || registration.maxLifetime().toSeconds() <= 0) {
            throw CaMessage.REGISTRATION_LIFETIME.exception(
                registration.spiffeId(),
                registration.maxLifetime(),
                Duration.ofSeconds(area.maxLeafLifetimeSeconds()));
          }
          if (registration.usages().isEmpty()) {
            throw CaMessage.REGISTRATION_NO_USAGE.exception(registration.spiffeId());
          }
          if (registration.approvedBy().isBlank()) {
            throw CaMessage.REGISTRATION_NO_APPROVER.exception(registration.spiffeId());
          }
          checkTokenTtl(registration.tokenTtl());
          if (store.registration(registration.spiffeId()).isPresent()) {
            throw CaMessage.ALREADY_REGISTERED.exception(registration.spiffeId());
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
          ctx.audit.append(
              Entry.registered(
                  now,
                  operator,
                  registration.spiffeId(),
                  registration.area(),
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
  JoinToken newJoinToken(String spiffeId, Duration ttl, String operator)
      throws PortcullisException {
    return ctx.locked(
        "token",
        operator,
        spiffeId,
        null,
        () -> {
          checkTokenTtl(ttl);
          RegistrationRecord record =
              store
                  .registration(spiffeId)
                  .orElseThrow(() -> CaMessage.NOT_REGISTERED.exception(spiffeId));
          ctx.liveArea(record.area());
          Instant now = clock.instant();
          JoinToken token = newToken(spiffeId, now, ttl);
          store.write(
              store.registrationFile(spiffeId),
              record.withNewToken(tokenHash(token.token()), token.expiresAt().toString()));
          ctx.audit.append(
              Entry.joinToken(
                  now, operator, spiffeId, record.area(), "tokenExpires=" + token.expiresAt()));
          return token;
        });
  }

  private static void checkTokenTtl(Duration ttl) throws PortcullisException {
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
      throw CaMessage.VALUE_INVALID.exception("join token lifetime", ttl, "up to 7 days");
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

  static String tokenHash(String token) {
    return CaContext.hex(CaContext.digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
