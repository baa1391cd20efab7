package io.portcullis.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The generations of a renewing token key: the key source's {@code alias} names the first, and each
 * renewal makes a new key under {@code alias-rN} (N increasing) in the token, because a key never
 * leaves its token and is never reused. The key source serves the generation whose CA certificate
 * is the newest; a newer key still holding its placeholder (a renewal cut short by a crash) is not
 * served, so a crash at any point leaves a credential that loads.
 */
public final class Generations {
  private static final String PLACEHOLDER = "O=Portcullis placeholder";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Generations() {}

  /**
   * A self-signed placeholder certificate for a freshly made key that has no CA certificate yet: a
   * key store entry needs a certificate, and {@link #isPlaceholder} tells this one from a CA's.
   *
   * @param provider the provider holding the private key (a token's), or null for a software key
   */
  public static X509Certificate placeholder(
      String alias, KeyPair pair, KeyType algorithm, Provider provider)
      throws GeneralSecurityException, OperatorCreationException {
    X500Name name =
        X500Name.getInstance(new X500Principal("CN=" + alias + "," + PLACEHOLDER).getEncoded());
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, RANDOM).add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(365))),
            name,
            pair.getPublic());
    JcaContentSignerBuilder signer = new JcaContentSignerBuilder(algorithm.signatureAlgorithm());
    if (provider != null) {
      signer.setProvider(provider);
    }
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(signer.build(pair.getPrivate())));
  }

  /** Whether {@code certificate} is a {@link #placeholder}, not a CA's certificate. */
  public static boolean isPlaceholder(Certificate certificate) {
    return certificate instanceof X509Certificate x509
        && x509.getSubjectX500Principal().getName().contains(PLACEHOLDER);
  }

  /** The alias of generation {@code number} of {@code base} (0: the base itself). */
  public static String alias(String base, long number) {
    return number == 0 ? base : base + "-r" + number;
  }

  /** The generation {@code alias} is of {@code base}, or -1 when it is none of its generations. */
  public static long number(String base, String alias) {
    if (alias.equals(base)) {
      return 0;
    }
    Matcher m = Pattern.compile(Pattern.quote(base) + "-r([1-9][0-9]{0,17})").matcher(alias);
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** Every generation of {@code base} among {@code aliases}, oldest first. */
  public static List<String> of(String base, List<String> aliases) {
    List<String> found = new ArrayList<>();
    for (String alias : aliases) {
      if (number(base, alias) >= 0) {
        found.add(alias);
      }
    }
    found.sort((a, b) -> Long.compare(number(base, a), number(base, b)));
    return found;
  }

  /**
   * The generation of {@code base} in {@code keyStore} to serve: of those holding a CA certificate
   * (not the placeholder a freshly generated key carries), the one whose certificate was issued
   * last (the latest notBefore; the higher generation on a tie), so a key an operator made again by
   * hand under {@code base} is served rather than an older renewal's; empty when there is none.
   */
  public static Optional<String> current(KeyStore keyStore, String base) throws KeyStoreException {
    String best = null;
    Date bestIssued = null;
    for (String alias : of(base, Collections.list(keyStore.aliases()))) {
      Certificate certificate = keyStore.getCertificate(alias);
      if (keyStore.isKeyEntry(alias)
          && certificate instanceof X509Certificate x509
          && !isPlaceholder(certificate)
          && (bestIssued == null || !x509.getNotBefore().before(bestIssued))) {
        best = alias;
        bestIssued = x509.getNotBefore();
      }
    }
    return Optional.ofNullable(best);
  }
}
