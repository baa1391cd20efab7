package io.portcullis.auth;

import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustDecision;
import io.portcullis.trust.TrustValidator;
import io.portcullis.trust.ValidationStats;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity path every adapter (Liberty TAI, JAAS login module, Jakarta Authentication module)
 * shares: validate the chain, read the identity, apply role rules. Fails closed: anything it cannot
 * decide is a {@link Authentication.Refused} with a message ID, never an exception and never a
 * default identity.
 *
 * <p>The trust decision is made (or taken from the validator's cache) on every call. What follows
 * from an accepted leaf and its area (identity and rule outcome) is a pure function of the two, so
 * it is remembered in a bounded map: a request on an already-seen certificate costs a cache lookup.
 */
public final class CertificateAuthenticator {
  private static final int MAX_REMEMBERED = 10_000;

  private final TrustValidator validator;
  private final RoleRules rules;
  private final boolean refuseUnmatched;
  private final ValidationStats stats;
  private final int maxRemembered;
  private final Map<Outcome, Authentication> remembered = new ConcurrentHashMap<>();

  private record Outcome(X509Certificate leaf, String area) {}

  /**
   * @param validator decides whether a chain is trusted
   * @param rules grant groups to trusted identities, or deny them
   * @param refuseUnmatched when true, a trusted caller that no grant rule matches is refused
   *     ({@code PRTC0204E}); when false it is authenticated with no groups
   */
  public CertificateAuthenticator(
      TrustValidator validator, RoleRules rules, boolean refuseUnmatched) {
    this(validator, rules, refuseUnmatched, null);
  }

  /**
   * As {@link #CertificateAuthenticator(TrustValidator, RoleRules, boolean)}, counting into {@code
   * stats} the requests refused before the validator is asked (no certificate), which {@link
   * ValidationStats#hits} needs; null counts nothing.
   */
  public CertificateAuthenticator(
      TrustValidator validator, RoleRules rules, boolean refuseUnmatched, ValidationStats stats) {
    this(validator, rules, refuseUnmatched, stats, MAX_REMEMBERED);
  }

  /**
   * As {@link #CertificateAuthenticator(TrustValidator, RoleRules, boolean, ValidationStats)},
   * remembering the outcomes of at most {@code maxRemembered} certificates (0 remembers none), so
   * the one cache size an operator sets bounds the certificates both caches keep.
   */
  public CertificateAuthenticator(
      TrustValidator validator,
      RoleRules rules,
      boolean refuseUnmatched,
      ValidationStats stats,
      int maxRemembered) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.refuseUnmatched = refuseUnmatched;
    this.stats = stats;
    this.maxRemembered = Math.max(0, maxRemembered);
  }

  /**
   * Authenticates the chain a TLS handshake presented (leaf first); {@code null} means none. Never
   * throws: whatever goes wrong inside (but running out of memory) is a refusal with {@code
   * PRTC0208E}, so no error of the core reaches the server as a 500.
   */
  public Authentication authenticate(X509Certificate[] chain) {
    try {
      return authenticateOrRefuse(chain);
    } catch (OutOfMemoryError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      return Authentication.Refused.unauthenticated(
          CoreMessage.UNDECIDED, e.getClass().getName() + ": " + e.getMessage());
    }
  }

  private Authentication authenticateOrRefuse(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      unasked();
      return Authentication.Refused.unauthenticated(CoreMessage.NO_CLIENT_CERTIFICATE);
    }
    List<X509Certificate> certificates = Arrays.asList(chain);
    for (X509Certificate certificate : certificates) {
      if (certificate == null) {
        unasked();
        return Authentication.Refused.unauthenticated(CoreMessage.CHAIN_EMPTY);
      }
    }
    TrustDecision decision = validator.validate(certificates, Purpose.CLIENT);
    if (decision instanceof TrustDecision.Rejected rejected) {
      return new Authentication.Refused(
          Authentication.Kind.UNAUTHENTICATED, rejected.message(), rejected.reason());
    }
    String area = ((TrustDecision.Accepted) decision).area();
    Outcome key = new Outcome(chain[0], area);
    Authentication known = remembered.get(key);
    if (known != null) {
      return known;
    }
    Authentication result = decide(chain[0], area);
    if (maxRemembered == 0) {
      return result;
    }
    if (remembered.size() >= maxRemembered) {
      remembered.clear();
    }
    remembered.put(key, result);
    return result;
  }

  private void unasked() {
    if (stats != null) {
      stats.refusedUnasked();
    }
  }

  private Authentication decide(X509Certificate leaf, String area) {
    WorkloadIdentity identity;
    try {
      identity = IdentityReader.read(leaf).inArea(area);
    } catch (PortcullisException e) {
      return new Authentication.Refused(
          Authentication.Kind.UNAUTHENTICATED, e.id(), e.getMessage());
    }
    RoleRules.Evaluation evaluation = rules.evaluate(identity);
    if (evaluation.deniedBy().isPresent() && !evaluation.undecided().isEmpty()) {
      return Authentication.Refused.forbidden(
          CoreMessage.RULE_UNDECIDABLE,
          identity.principalName(),
          area,
          evaluation.deniedBy().get().name(),
          evaluation.undecided());
    }
    if (evaluation.deniedBy().isPresent()) {
      return Authentication.Refused.forbidden(
          CoreMessage.DENIED_BY_RULE,
          identity.principalName(),
          area,
          evaluation.deniedBy().get().name());
    }
    if (!evaluation.granted() && refuseUnmatched) {
      return Authentication.Refused.forbidden(
          CoreMessage.UNMATCHED_REFUSED, identity.principalName(), area);
    }
    return new Authentication.Authenticated(identity, evaluation.groups());
  }

  /** The role rules this authenticator applies. */
  public RoleRules rules() {
    return rules;
  }
}
