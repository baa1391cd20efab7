package io.portcullis.trust;

import java.util.Objects;

/**
 * A trust area's revocation settings.
 *
 * @param mode hard-fail, soft-fail or off
 * @param leafOnly check only the leaf (the area's CRL is issued by its intermediate); when false
 *     every certificate of the path needs CRL coverage in hard-fail mode
 * @param crls where the area's current CRLs come from
 */
public record Revocation(RevocationMode mode, boolean leafOnly, CrlStore crls) {

  public Revocation {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(crls, "crls");
  }

  /** No revocation checking. */
  public static Revocation off() {
    return new Revocation(RevocationMode.OFF, true, CrlStore.empty());
  }
}
