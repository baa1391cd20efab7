package io.portcullis.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one table of the feature's settings: for each, the server.xml element and attribute, the
 * {@code portcullis.*} property MicroProfile Config uses, its type, its default and one line of
 * documentation. {@link ConfigParser}, {@link ServerXmlFlattener}, the Liberty adapter's mappers
 * and the key sources read their names from here; tests hold the table against the feature's
 * metatype.xml and docs/configuration.md, so a setting is spelt once.
 */
public final class Settings {

  /** A server.xml element of {@code <usr_portcullis>} and the property prefix it maps to. */
  public enum Section {
    /** {@code <usr_portcullis>} itself: {@code portcullis.<key>}. */
    ROOT("usr_portcullis", "portcullis.", false),
    /** {@code <trustArea>}: {@code portcullis.area.<name>.<key>}, policy settings included. */
    AREA("trustArea", "portcullis.area.", true),
    /** {@code <roleRule>}: {@code portcullis.rule.<name>.<key>}. */
    RULE("roleRule", "portcullis.rule.", true),
    /** {@code <policy>}: {@code portcullis.policy.<key>}; the same keys apply per area. */
    POLICY("policy", "portcullis.policy.", false),
    /** {@code <denyList>}: {@code portcullis.denyList.<key>}. */
    DENY_LIST("denyList", "portcullis.denyList.", false),
    /** {@code <keySource>}: {@code portcullis.keySource.<name>.<key>}. */
    KEY_SOURCE("keySource", "portcullis.keySource.", true);

    private final String tag;
    private final String prefix;
    private final boolean named;

    Section(String tag, String prefix, boolean named) {
      this.tag = tag;
      this.prefix = prefix;
      this.named = named;
    }

    /** The element's name in server.xml. */
    public String tag() {
      return tag;
    }

    /** The property prefix; a named element's name follows it, then a dot. */
    public String prefix() {
      return prefix;
    }

    /** Whether the element repeats, each instance addressed by its {@code name}. */
    public boolean named() {
      return named;
    }

    /** The prefix of one instance's properties: {@code portcullis.area.payments.}. */
    public String prefix(String name) {
      return named ? prefix + name + "." : prefix;
    }
  }

  /** What a value is; the metatype types it the same way. */
  public enum Type {
    /** The name that addresses a repeated element; part of the property, not a value. */
    NAME,
    TEXT,
    /** Comma-separated (several values in server.xml). */
    LIST,
    BOOLEAN,
    INTEGER,
    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} (server.xml), or ISO-8601 (properties). */
    DURATION,
    /** A duration, or {@code none} for no limit; untyped in the metatype because of the latter. */
    DURATION_OR_NONE,
    /** One of {@link Setting#options()}. */
    CHOICE,
    /** A secret: plain or encoded with Liberty's securityUtility; never printed. */
    PASSWORD
  }

  /**
   * One setting.
   *
   * @param element where it is written in server.xml
   * @param attribute its attribute name in server.xml
   * @param key its property suffix after the element's prefix (and name)
   * @param type what its value is
   * @param required whether the element is invalid without it
   * @param defaultValue the value that applies when it is absent, as it would be written; empty
   *     when there is none or it depends on other settings (the doc line says how)
   * @param options the values a {@link Type#CHOICE} takes
   * @param doc one line for the reference documentation
   * @param libertyOnly read by the Liberty adapter from server.xml only, never a property
   */
  public record Setting(
      Section element,
      String attribute,
      String key,
      Type type,
      boolean required,
      String defaultValue,
      List<String> options,
      String doc,
      boolean libertyOnly) {
    public Setting {
      Objects.requireNonNull(element, "element");
      Objects.requireNonNull(attribute, "attribute");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(defaultValue, "defaultValue");
      options = List.copyOf(options);
      Objects.requireNonNull(doc, "doc");
      if ((type == Type.CHOICE) == options.isEmpty()) {
        throw new IllegalArgumentException(attribute + ": options go with CHOICE only");
      }
    }

    /** The property name for a named element's instance {@code name} (ignored otherwise). */
    public String property(String name) {
      return element.prefix(name) + key;
    }
  }

  /**
   * The table itself, one setting a line: section | attribute | property key ({@code =} the
   * attribute, {@code -} none: the element's name) | type | flags ({@code required}, {@code
   * liberty}: read from server.xml only) | default | options (a CHOICE's values) | doc line.
   */
  private static final String TABLE =
      """
      ROOT       | realm                | =                | TEXT             | liberty  | portcullis   |                       | realm of the access IDs: `user:<realm>/<area>/<principal>`, `group:<realm>/<group>`; no `/`
      ROOT       | unmatched            | =                | CHOICE           |          | authenticate | authenticate,refuse   | a trusted caller no rule grants a group: `authenticate` (no roles) or `refuse` (403, `PRTC0204E`)
      ROOT       | cacheSize            | cache.size       | INTEGER          |          | 10000        |                       | validated-chain cache entries; 0 turns it off
      ROOT       | refusalLogInterval   | refusal.log.interval | DURATION     |          | 60s          |                       | a refused request is logged in full only if its reason was not logged in this interval; the others are counted in one `PRTC0317W` line per reason and interval (at least `1s`)
      ROOT       | excludedContextRoots | =                | LIST             | liberty  |              |                       | context roots (`/orders-jaspic, /orders-jaas`) the interceptor leaves to the application's own Jakarta Authentication module or JAAS login module ([adapters.md](adapters.md)); a server decision, so not read from MicroProfile Config
      AREA       | name                 | -                | NAME             | required |              |                       | the area's name; part of the caller's identity, matchable by rules
      AREA       | anchors              | =                | LIST             | required |              |                       | PEM or DER files with the area's root certificate(s)
      AREA       | intermediates        | =                | LIST             |          |              |                       | the area's intermediates, so callers need not send them
      AREA       | spiffePrefixes       | spiffe.prefixes  | LIST             |          |              |                       | SPIFFE IDs the area's callers must equal or lie under (`spiffe://corp.example/payments`); with `dnsSubtrees`, the area's scope: any other URI SAN refuses the caller (`PRTC0145E`)
      AREA       | dnsSubtrees          | dns.subtrees     | LIST             |          |              |                       | DNS names the area's DNS SANs must equal or lie under; in a scoped area, none listed means no DNS SAN is accepted
      AREA       | crl                  | =                | LIST             |          |              |                       | CRL files or http(s) URLs, refreshed in the background
      AREA       | crlRefresh           | crl.refresh      | DURATION         |          | 1h           |                       | how often the CRLs are re-read at most (`2s`, `5m`, `1h`)
      AREA       | revocation           | =                | CHOICE           |          |              | hard-fail,soft-fail,off | `hard-fail` (default with a CRL), `soft-fail`, `off` (default without one)
      AREA       | revocationScope      | revocation.scope | CHOICE           |          | leaf         | leaf,chain            | which certificates are checked against CRLs
      AREA       | enabled              | =                | BOOLEAN          |          | true         |                       | `false` switches the area off
      RULE       | name                 | -                | NAME             |          |              |                       | the rule's name, by which MicroProfile Config addresses it; default `roleRule<N>`
      RULE       | attribute            | =                | TEXT             | required |              |                       | `uriSan`, `spiffeId`, `dnsSan`, `subjectDn`, `dn.CN` / `dn.OU` / `dn.O` / ..., `area`, `fingerprint`, `serial`
      RULE       | area                 | =                | TEXT             |          |              |                       | a second condition: the caller's trust area (a rule with an area neither grants nor denies callers of other areas)
      RULE       | match                | =                | CHOICE           |          | exact        | exact,glob,regex      | how `pattern` is compared
      RULE       | pattern              | =                | TEXT             |          |              |                       | what to match (this or `value` is required)
      RULE       | value                | =                | TEXT             |          |              |                       | another name for `pattern`
      RULE       | groups               | =                | LIST             |          |              |                       | groups granted on a match
      RULE       | effect               | =                | CHOICE           |          | grant        | grant,deny            | `deny`: a match refuses the caller (403, `PRTC0205E`), whatever grants match
      RULE       | order                | =                | INTEGER          |          | 0            |                       | reporting order among deny rules; does not change the result
      RULE       | enabled              | =                | BOOLEAN          |          | true         |                       | `false` switches the rule off
      POLICY     | requireEku           | =                | BOOLEAN          |          | true         |                       | the leaf must carry an extended key usage naming the purpose
      POLICY     | allowAnyEku          | =                | BOOLEAN          |          | false        |                       | `anyExtendedKeyUsage` stands in for the purpose
      POLICY     | maxLeafLifetime      | =                | DURATION_OR_NONE |          | 90d          |                       | longest notBefore..notAfter span of a leaf; `none` for no limit
      POLICY     | refuseNoExpiry       | =                | BOOLEAN          |          | true         |                       | refuse certificates without a real expiry (notAfter 99991231235959Z)
      POLICY     | minRsaBits           | =                | INTEGER          |          | 2048         |                       | smallest RSA modulus in the path
      POLICY     | minEcBits            | =                | INTEGER          |          | 256          |                       | smallest elliptic-curve key in the path
      POLICY     | signatureAlgorithms  | =                | LIST             |          |              |                       | allowed signature algorithms (default: SHA-2 ECDSA and RSA, RSASSA-PSS, EdDSA; never SHA-1 or MD5)
      POLICY     | maxChainDepth        | =                | INTEGER          |          | 2            |                       | most intermediate CA certificates between the leaf and the anchor (0: the anchor issues leaves)
      POLICY     | profile              | =                | BOOLEAN          |          | true         |                       | apply the RFC 5280 profile checks
      POLICY     | issuerDuties         | =                | BOOLEAN          |          | true         |                       | also refuse what RFC 5280 asks of the issuing CA, not of a verifier: no authority key identifier, a CA certificate without key usage
      DENY_LIST  | file                 | =                | TEXT             |          |              |                       | one `serial:<hex>` or `sha256:<hex>` per line; watched, changes apply within seconds
      DENY_LIST  | entries              | =                | LIST             |          |              |                       | entries given inline
      KEY_SOURCE | name                 | -                | NAME             | required |              |                       | the key source's name: the alias SSL configurations select
      KEY_SOURCE | type                 | =                | CHOICE           | required |              | pkcs12,pkcs11,tpm,pem | where the key lives: a PKCS#12 file, a PKCS#11 token, a TPM 2.0, or PEM files an outside manager writes
      KEY_SOURCE | file                 | =                | TEXT             |          |              |                       | pkcs12: the PKCS#12 file; pem: the certificate chain (PEM, leaf first)
      KEY_SOURCE | keyFile              | =                | TEXT             |          |              |                       | pem: the private key (PEM: unencrypted PKCS#8, or a traditional RSA or EC key)
      KEY_SOURCE | password             | =                | PASSWORD         |          |              |                       | pkcs12: the file's password, plain or `securityUtility`-encoded
      KEY_SOURCE | passwordEnv          | =                | TEXT             |          |              |                       | pkcs12: the environment variable holding the password
      KEY_SOURCE | library              | =                | TEXT             |          |              |                       | pkcs11, tpm: the PKCS#11 module (tpm: Debian's tpm2-pkcs11 by default)
      KEY_SOURCE | tokenLabel           | =                | TEXT             |          |              |                       | pkcs11, tpm: the token's label (or `slot`, or `slotListIndex`)
      KEY_SOURCE | slot                 | =                | TEXT             |          |              |                       | pkcs11, tpm: the slot ID (decimal or `0x` hex)
      KEY_SOURCE | slotListIndex        | =                | TEXT             |          |              |                       | pkcs11, tpm: the slot's index in the module's list
      KEY_SOURCE | alias                | =                | TEXT             |          |              |                       | the key's alias (PKCS#12 entry, token key label); default: the only one. A renewing token key source serves the newest of `alias`, `alias-rN` (N increasing) that holds a certificate
      KEY_SOURCE | pin                  | =                | PASSWORD         |          |              |                       | pkcs11, tpm: the user PIN, plain or `securityUtility`-encoded
      KEY_SOURCE | pinEnv               | =                | TEXT             |          |              |                       | pkcs11, tpm: the environment variable holding the PIN
      KEY_SOURCE | renew                | =                | CHOICE           |          | none         | none,ca,acme,files    | who renews the certificate before it expires, with a fresh key where the key lives: `ca` the Portcullis CA, on this host (caDirectory) or over its endpoint (caUrl); `acme` an ACME server (acmeDirectory); `files` an outside manager writing a type=pem key source's files ([renewal.md](renewal.md)); `none` (serve what is there)
      KEY_SOURCE | caDirectory          | =                | TEXT             |          |              |                       | renew=ca, the CA on this host: its state directory (`portcullis ca init`); the area's key must be readable by the server
      KEY_SOURCE | caUrl                | =                | TEXT             |          |              |                       | renew=ca, the CA on another host: its `portcullis ca serve` endpoint (`https://ca.corp.example:8443/`); instead of caDirectory
      KEY_SOURCE | caRoot               | =                | TEXT             |          |              |                       | with caUrl, acmeDirectory or renew=files: the CA's root certificate(s) (PEM file), the only anchors renewed certificates are checked against (and, with caUrl, the endpoint)
      KEY_SOURCE | acmeDirectory        | =                | TEXT             |          |              |                       | renew=acme: the ACME server's directory URL (`https://acme.corp.example/directory`)
      KEY_SOURCE | acmeAccountKey       | =                | TEXT             |          |              |                       | renew=acme: the ACME account's key (PEM file); made, 0600, at the first renewal when missing
      KEY_SOURCE | acmeEabKid           | =                | TEXT             |          |              |                       | renew=acme: the key ID of the External Account Binding the ACME server's operator gave
      KEY_SOURCE | acmeEabKey           | =                | PASSWORD         |          |              |                       | renew=acme: the EAB HMAC key (base64url), plain or `securityUtility`-encoded
      KEY_SOURCE | acmeEabKeyEnv        | =                | TEXT             |          |              |                       | renew=acme: the environment variable holding the EAB HMAC key
      KEY_SOURCE | acmeTrust            | =                | TEXT             |          |              |                       | renew=acme: CA certificates (PEM file) to trust for the ACME server's own TLS; default the JVM's trust store
      KEY_SOURCE | acmeHttpPort         | =                | INTEGER          |          |              |                       | renew=acme: the port to answer http-01 challenges on while an order waits; without it only pre-authorized names can be ordered
      KEY_SOURCE | lifetime             | =                | DURATION         |          |              |                       | the lifetime asked for each renewed certificate (`60s`, `12h`); default the registration's maximum
      KEY_SOURCE | renewAt              | =                | TEXT             |          | 0.667        |                       | when to renew, as the fraction of the certificate's lifetime gone (over 0, under 1)
      KEY_SOURCE | renewJitter          | =                | TEXT             |          | 0.05         |                       | random fraction of the lifetime, at most, taken off `renewAt` so servers renewing alike spread out (0 to under `renewAt`)
      KEY_SOURCE | unhealthyAt          | =                | TEXT             |          |              |                       | the fraction of the lifetime past which a certificate still not renewed turns the key source's readiness check DOWN (after `renewAt`, under 1); default `renewAt` plus half of what is left
      KEY_SOURCE | retryDelay           | =                | DURATION         |          | 2s           |                       | wait after the first failed renewal, doubled after each further failure; also the least time between two renewals
      KEY_SOURCE | retryMaxDelay        | =                | DURATION         |          | 5m           |                       | longest wait between failed renewals
      KEY_SOURCE | retireAfter          | =                | DURATION         |          | 30s          |                       | token key sources: how long after a renewal the replaced key is deleted from the token
      KEY_SOURCE | quietPeriod          | =                | DURATION         |          | 2s           |                       | renew=files: how long both files must stay unchanged before a new pair is checked and served
      KEY_SOURCE | expectedIdentity     | =                | TEXT             |          |              |                       | the identity every new certificate must name: a SPIFFE ID, or DNS names (comma-separated) for certificates without one; default the identity of the certificate in force
      """;

  private static final List<Setting> ALL = parse(TABLE);

  /** MicroProfile Config list of rule names defined only there (env vars cannot be listed). */
  public static final String RULE_NAMES = "portcullis.rules";

  /** MicroProfile Config list of area names defined only there. */
  public static final String AREA_NAMES = "portcullis.areas";

  /** MicroProfile Config list of key source names defined only there. */
  public static final String KEY_SOURCE_NAMES = "portcullis.keySources";

  private Settings() {}

  /** Every setting, in documentation order. */
  public static List<Setting> all() {
    return List.copyOf(ALL);
  }

  /** The settings written on {@code element} itself (an area's policy settings not included). */
  public static List<Setting> of(Section element) {
    return ALL.stream().filter(s -> s.element() == element).toList();
  }

  /** The settings {@code element} accepts: for an area, its own and every policy setting. */
  public static List<Setting> accepted(Section element) {
    List<Setting> accepted = new ArrayList<>(of(element));
    if (element == Section.AREA) {
      accepted.addAll(of(Section.POLICY));
    }
    return accepted;
  }

  /** The property keys (after the prefix and name) {@code element} accepts. */
  public static Set<String> keys(Section element) {
    Set<String> keys = new LinkedHashSet<>();
    for (Setting setting : accepted(element)) {
      if (setting.type() != Type.NAME && !setting.libertyOnly()) {
        keys.add(setting.key());
      }
    }
    return Set.copyOf(keys);
  }

  /** The setting of {@code element} with server.xml attribute {@code attribute}. */
  public static Setting setting(Section element, String attribute) {
    return accepted(element).stream()
        .filter(s -> s.attribute().equals(attribute))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(element.tag() + " has no " + attribute));
  }

  private static List<Setting> parse(String table) {
    List<Setting> settings = new ArrayList<>();
    for (String line : table.strip().split("\n")) {
      String[] cells = line.split("\\|", 8);
      if (cells.length != 8) {
        throw new IllegalStateException("settings table line needs 8 cells: " + line);
      }
      for (int i = 0; i < cells.length; i++) {
        cells[i] = cells[i].strip();
      }
      String attribute = cells[1];
      String key =
          switch (cells[2]) {
            case "=" -> attribute;
            case "-" -> "";
            default -> cells[2];
          };
      if (!List.of("", "required", "liberty").contains(cells[4])) {
        throw new IllegalStateException("settings table flag must be required or liberty: " + line);
      }
      List<String> options = cells[6].isEmpty() ? List.of() : List.of(cells[6].split(","));
      settings.add(
          new Setting(
              Section.valueOf(cells[0]),
              attribute,
              key,
              Type.valueOf(cells[3]),
              cells[4].equals("required"),
              cells[5],
              options,
              cells[7],
              cells[4].equals("liberty")));
    }
    return List.copyOf(settings);
  }
}
