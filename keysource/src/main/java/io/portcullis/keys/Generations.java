package io.portcullis.keys;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generations of a renewing token key: the key source's {@code alias} names the first, and each
 * renewal makes a new key under {@code alias-rN} (N increasing) in the token, because a key never
 * leaves its token and is never reused. The key source serves the newest generation that holds a CA
 * certificate; a newer key still holding its placeholder (a renewal cut short by a crash) is not
 * served, so a crash at any point leaves a credential that loads.
 */
public final class Generations {
  private static final String PLACEHOLDER = "O=Portcullis placeholder";

  private Generations() {}

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
   * The newest generation of {@code base} in {@code keyStore} whose certificate a CA issued (not
   * the placeholder a freshly generated key carries); empty when there is none.
   */
  public static Optional<String> current(KeyStore keyStore, String base) throws KeyStoreException {
    List<String> generations = of(base, Collections.list(keyStore.aliases()));
    Collections.reverse(generations);
    for (String alias : generations) {
      Certificate certificate = keyStore.getCertificate(alias);
      if (keyStore.isKeyEntry(alias)
          && certificate instanceof X509Certificate x509
          && !x509.getSubjectX500Principal().getName().contains(PLACEHOLDER)) {
        return Optional.of(alias);
      }
    }
    return Optional.empty();
  }
}
