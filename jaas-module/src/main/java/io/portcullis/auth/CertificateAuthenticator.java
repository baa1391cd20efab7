package io.portcullis.auth;

import io.portcullis.PortcullisException;
import io.portcullis.identity.IdentityReader;
import io.portcullis.identity.WorkloadIdentity;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.TrustDecision;
import io.portcullis.trust.TrustValidator;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The identity path every adapter (Liberty TAI, JAAS login module, Jakarta Authentication module)
 * shares: validate the chain, read the identity, apply role rules. Fails closed: anything it cannot
 * decide is a {@link Authentication.Refused} with a message ID, never an exception and never a
 * default identity.
 */
public final class CertificateAuthenticator {
  private final TrustValidator validator;
  private final RoleRules rules;
  private final boolean refuseUnmatched;

  /**
   * @param validator decides whether a chain is trusted
   * @param rules grant groups to trusted identities
   * @param refuseUnmatched when true, a trusted caller that no rule grants a group is refused
   *     ({@code PRTC0204E}); when false it is authenticated with no groups
   */
  public CertificateAuthenticator(
      TrustValidator validator, RoleRules rules, boolean refuseUnmatched) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.refuseUnmatched = refuseUnmatched;
  }

  /** Authenticates the chain a TLS handshake presented (leaf first); {@code null} means none. */
  public Authentication authenticate(X509Certificate[] chain) {
    if (chain == null || chain.length == 0) {
      return Authentication.Refused.of("PRTC0301E");
    }
    List<X509Certificate> certificates = Arrays.asList(chain);
    if (certificates.contains(null)) {
      return Authentication.Refused.of("PRTC0101E");
    }
    TrustDecision decision = validator.validate(certificates, Purpose.CLIENT);
    if (!decision.accepted()) {
      return new Authentication.Refused(decision.messageId(), decision.reason());
    }
    WorkloadIdentity identity;
    try {
      identity = IdentityReader.read(chain[0]).inArea(decision.area());
    } catch (PortcullisException e) {
      return new Authentication.Refused(e.messageId(), e.getMessage());
    }
    Set<String> groups = rules.groupsFor(identity);
    if (groups.isEmpty() && refuseUnmatched) {
      return Authentication.Refused.of("PRTC0204E", identity.principalName(), identity.area());
    }
    return new Authentication.Authenticated(identity, groups);
  }
}
