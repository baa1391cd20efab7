package io.portcullis.jaas;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * A principal the Portcullis login module adds: the caller ({@link Kind#CALLER}, named by its
 * SPIFFE ID or subject DN) or one of its groups ({@link Kind#GROUP}).
 *
 * @param name the principal's name
 * @param kind caller or group
 */
public record PortcullisPrincipal(String name, Kind kind) implements Principal, Serializable {
  private static final long serialVersionUID = 1L;

  /** Whether the principal names the caller or a group. */
  public enum Kind {
    CALLER,
    GROUP,
    /** The trust area that vouched for the caller. */
    AREA
  }

  public PortcullisPrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  @Override
  public String getName() {
    return name;
  }
}
