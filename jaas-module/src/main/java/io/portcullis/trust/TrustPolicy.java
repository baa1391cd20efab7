package io.portcullis.trust;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks a trust area applies on top of RFC 5280 path validation. Immutable; {@link
 * #defaults()} is the safe deployment policy, {@link #standards()} applies only what the standards
 * require (used by {@code portcullis verify --batch} without {@code --policy}).
 *
 * @param requireEku the leaf must carry an extended key usage extension naming the purpose (a leaf
 *     without the extension is refused); when false, RFC 5280 applies: no extension, no restriction
 * @param allowAnyEku whether {@code anyExtendedKeyUsage} stands in for the purpose
 * @param maxLeafLifetime the longest notBefore..notAfter span a leaf may have; {@code null} for no
 *     limit
 * @param refuseNoExpiry refuse certificates whose notAfter is 99991231235959Z (RFC 5280's "no well
 *     defined expiration date")
 * @param minRsaBits smallest RSA modulus for any certificate of the path and its anchor, above the
 *     universal floor of 2048 bits that holds whatever this says (0: the universal floor only)
 * @param minEcBits smallest elliptic curve field size; 0 for none
 * @param allowedSignatureAlgorithms JCA names (upper case) of signature algorithms the path
 *     certificates may be signed with; empty means whatever the JDK accepts except MD2, MD5 and
 *     SHA-1, which are refused whatever this says
 * @param maxChainDepth most intermediate CA certificates between the leaf and the trust anchor; 0
 *     when the anchor issues leaves itself
 * @param enforceProfile apply the RFC 5280 certificate profile checks (basic constraints, key usage
 *     consistency, serial number and validity encoding, critical extensions)
 * @param refuseCaLeaf refuse a CA certificate (basicConstraints cA, or keyCertSign/cRLSign) as the
 *     leaf: RFC 5280 allows one, Portcullis's deployment policy does not let a CA key authenticate
 *     as a workload
 * @param holdIssuersToDuties refuse what RFC 5280 asks of the issuing CA but not of a verifier: a
 *     certificate without an authority key identifier (4.2.1.1), a CA certificate or trust anchor
 *     without a key usage extension (4.2.1.3). Portcullis's CA meets both; the standards alone
 *     accept a path without them
 * @param webPki the public suffix list when the web PKI profile applies (the CA/Browser Forum rules
 *     for public TLS certificates, on top of the standards: see {@link WebPkiChecks}); {@code
 *     null}, the default of every policy, for a private PKI
 */
public record TrustPolicy(
    boolean requireEku,
    boolean allowAnyEku,
    Duration maxLeafLifetime,
    boolean refuseNoExpiry,
    int minRsaBits,
    int minEcBits,
    Set<String> allowedSignatureAlgorithms,
    int maxChainDepth,
    boolean enforceProfile,
    boolean refuseCaLeaf,
    boolean holdIssuersToDuties,
    PublicSuffixes webPki) {

  /** Default longest leaf lifetime: 90 days. */
  public static final Duration DEFAULT_MAX_LEAF_LIFETIME = Duration.ofDays(90);

  /** Default deepest path: two intermediates between the leaf and the root. */
  public static final int DEFAULT_MAX_CHAIN_DEPTH = 2;

  /** Signature algorithms the default policy allows: SHA-2 family, PSS and EdDSA; no SHA-1/MD5. */
  public static final Set<String> DEFAULT_SIGNATURE_ALGORITHMS =
      Set.of(
          "SHA256WITHECDSA",
          "SHA384WITHECDSA",
          "SHA512WITHECDSA",
          "SHA256WITHRSA",
          "SHA384WITHRSA",
          "SHA512WITHRSA",
          "RSASSA-PSS",
          "ED25519",
          "ED448",
          "EDDSA");

  public TrustPolicy {
    allowedSignatureAlgorithms =
        allowedSignatureAlgorithms.stream()
            .map(a -> a.trim().toUpperCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    if (maxLeafLifetime != null && (maxLeafLifetime.isNegative() || maxLeafLifetime.isZero())) {
      throw new IllegalArgumentException("maxLeafLifetime must be positive");
    }
    if (minRsaBits < 0 || minEcBits < 0) {
      throw new IllegalArgumentException("key size floors must not be negative");
    }
    if (maxChainDepth < 0) {
      throw new IllegalArgumentException("maxChainDepth must not be negative");
    }
  }

  /** The safe deployment defaults (see docs/policy.md). */
  public static TrustPolicy defaults() {
    return new TrustPolicy(
        true,
        false,
        DEFAULT_MAX_LEAF_LIFETIME,
        true,
        2048,
        256,
        DEFAULT_SIGNATURE_ALGORITHMS,
        DEFAULT_MAX_CHAIN_DEPTH,
        true,
        true,
        true,
        null);
  }

  /**
   * Standards only: RFC 5280 path validation and profile, EKU for the purpose when present
   * (anyExtendedKeyUsage does not stand in for it, as RFC 5280 4.2.1.12 lets a relying party
   * decide), a CA certificate allowed as the leaf; no lifetime limit and no floors beyond the
   * universal ones (RSA of 2048 bits in whole bytes, no DSA, no MD2/MD5/SHA-1 signatures), and up
   * to 8 intermediates.
   */
  public static TrustPolicy standards() {
    return new TrustPolicy(false, false, null, false, 0, 0, Set.of(), 8, true, false, false, null);
  }

  /** A builder that starts from this policy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public TrustPolicy withMaxLeafLifetime(Duration value) {
    return toBuilder().maxLeafLifetime(value).build();
  }

  public TrustPolicy withKeyFloors(int rsaBits, int ecBits) {
    return toBuilder().minRsaBits(rsaBits).minEcBits(ecBits).build();
  }

  public TrustPolicy withSignatureAlgorithms(Set<String> algorithms) {
    return toBuilder().allowedSignatureAlgorithms(Objects.requireNonNull(algorithms)).build();
  }

  public TrustPolicy withMaxChainDepth(int depth) {
    return toBuilder().maxChainDepth(depth).build();
  }

  public TrustPolicy withEku(boolean require, boolean allowAny) {
    return toBuilder().requireEku(require).allowAnyEku(allowAny).build();
  }

  public TrustPolicy withRefuseNoExpiry(boolean refuse) {
    return toBuilder().refuseNoExpiry(refuse).build();
  }

  public TrustPolicy withProfile(boolean enforce) {
    return toBuilder().enforceProfile(enforce).build();
  }

  /** This policy with the web PKI profile checked against {@code suffixes}; null turns it off. */
  public TrustPolicy withWebPki(PublicSuffixes suffixes) {
    return toBuilder().webPki(suffixes).build();
  }

  /**
   * Changes some settings of a policy and keeps the rest; {@link #build} validates the result as
   * the record's constructor does.
   */
  public static final class Builder {
    private boolean requireEku;
    private boolean allowAnyEku;
    private Duration maxLeafLifetime;
    private boolean refuseNoExpiry;
    private int minRsaBits;
    private int minEcBits;
    private Set<String> allowedSignatureAlgorithms;
    private int maxChainDepth;
    private boolean enforceProfile;
    private boolean refuseCaLeaf;
    private boolean holdIssuersToDuties;
    private PublicSuffixes webPki;

    private Builder(TrustPolicy from) {
      this.requireEku = from.requireEku;
      this.allowAnyEku = from.allowAnyEku;
      this.maxLeafLifetime = from.maxLeafLifetime;
      this.refuseNoExpiry = from.refuseNoExpiry;
      this.minRsaBits = from.minRsaBits;
      this.minEcBits = from.minEcBits;
      this.allowedSignatureAlgorithms = from.allowedSignatureAlgorithms;
      this.maxChainDepth = from.maxChainDepth;
      this.enforceProfile = from.enforceProfile;
      this.refuseCaLeaf = from.refuseCaLeaf;
      this.holdIssuersToDuties = from.holdIssuersToDuties;
      this.webPki = from.webPki;
    }

    public Builder requireEku(boolean value) {
      this.requireEku = value;
      return this;
    }

    public Builder allowAnyEku(boolean value) {
      this.allowAnyEku = value;
      return this;
    }

    /** {@code null} for no limit. */
    public Builder maxLeafLifetime(Duration value) {
      this.maxLeafLifetime = value;
      return this;
    }

    public Builder refuseNoExpiry(boolean value) {
      this.refuseNoExpiry = value;
      return this;
    }

    public Builder minRsaBits(int value) {
      this.minRsaBits = value;
      return this;
    }

    public Builder minEcBits(int value) {
      this.minEcBits = value;
      return this;
    }

    public Builder allowedSignatureAlgorithms(Set<String> value) {
      this.allowedSignatureAlgorithms = value;
      return this;
    }

    public Builder maxChainDepth(int value) {
      this.maxChainDepth = value;
      return this;
    }

    public Builder enforceProfile(boolean value) {
      this.enforceProfile = value;
      return this;
    }

    public Builder refuseCaLeaf(boolean value) {
      this.refuseCaLeaf = value;
      return this;
    }

    public Builder holdIssuersToDuties(boolean value) {
      this.holdIssuersToDuties = value;
      return this;
    }

    /** The public suffix list of the web PKI profile; {@code null} for a private PKI. */
    public Builder webPki(PublicSuffixes value) {
      this.webPki = value;
      return this;
    }

    public TrustPolicy build() {
      return new TrustPolicy(
          requireEku,
          allowAnyEku,
          maxLeafLifetime,
          refuseNoExpiry,
          minRsaBits,
          minEcBits,
          allowedSignatureAlgorithms,
          maxChainDepth,
          enforceProfile,
          refuseCaLeaf,
          holdIssuersToDuties,
          webPki);
    }
  }
}
