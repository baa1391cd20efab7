package io.portcullis.config;

import io.portcullis.config.Settings.Section;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import io.portcullis.messages.RefusalLog;
import io.portcullis.rules.Attribute;
import io.portcullis.rules.RoleRule;
import io.portcullis.rules.RoleRules;
import io.portcullis.trust.CrlSource;
import io.portcullis.trust.CrlStore;
import io.portcullis.trust.DenyList;
import io.portcullis.trust.NameScope;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Revocation;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the flat {@code portcullis.*} property map (see docs/rules.md and docs/policy.md for every
 * key) into a {@link PortcullisConfig}. The Liberty adapter merges server.xml (flattened by {@link
 * ServerXmlFlattener}) and MicroProfile Config into one map, MicroProfile Config winning, so a rule
 * or area setting from server.xml is overridden by the same key and removed with {@code
 * .enabled=false}. Keys outside Portcullis' own namespaces are ignored; a misspelt key inside them
 * is an error, so a typo cannot silently weaken the configuration.
 */
public final class ConfigParser {
  static final String PREFIX = "portcullis.";
  static final String AREA = PREFIX + "area.";
  static final String RULE = PREFIX + "rule.";
  static final String POLICY = PREFIX + "policy.";

  /** Policy keys, valid under {@code portcullis.policy.} and {@code portcullis.area.<name>.}. */
  static final Set<String> POLICY_KEYS = Settings.keys(Section.POLICY);

  /** Area keys, the policy keys included. */
  static final Set<String> AREA_KEYS = Settings.keys(Section.AREA);

  static final Set<String> RULE_KEYS = Settings.keys(Section.RULE);

  /** Whole properties of the elements that occur once: the feature's own and the deny-list. */
  static final Set<String> GLOBAL_KEYS = globalKeys();

  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*([dhms])");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private ConfigParser() {}

  /** Parses with file paths relative to the working directory and the system clock. */
  public static PortcullisConfig parse(Map<String, String> properties) throws PortcullisException {
    return parse(properties, Path.of(""), Clock.systemUTC());
  }

  /**
   * Parses {@code properties}.
   *
   * @param baseDir directory relative certificate, CRL and deny-list paths are resolved against
   * @param clock the clock CRL refreshes are scheduled by
   * @throws PortcullisException {@code PRTC07xxE} naming the property and what is wrong with it
   */
  public static PortcullisConfig parse(Map<String, String> properties, Path baseDir, Clock clock)
      throws PortcullisException {
    Map<String, Map<String, String>> areaProps = new TreeMap<>();
    Map<String, Map<String, String>> ruleProps = new TreeMap<>();
    Map<String, String> policyProps = new TreeMap<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue() == null ? "" : entry.getValue().strip();
      if (key.startsWith(AREA)) {
        group(key, AREA, value, areaProps, AREA_KEYS);
      } else if (key.startsWith(RULE)) {
        group(key, RULE, value, ruleProps, RULE_KEYS);
      } else if (key.startsWith(POLICY)) {
        String sub = key.substring(POLICY.length());
        if (!POLICY_KEYS.contains(sub)) {
          throw unknown(key, POLICY_KEYS);
        }
        policyProps.put(sub, value);
      } else if (key.startsWith(PREFIX + "denyList.")
          || key.startsWith(PREFIX + "cache.")
          || key.equals(PREFIX + "unmatched")) {
        if (!GLOBAL_KEYS.contains(key)) {
          throw unknown(key, GLOBAL_KEYS);
        }
      }
    }
    TrustPolicy defaults = policy(TrustPolicy.defaults(), policyProps, POLICY);
    List<TrustArea> areas = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> area : areaProps.entrySet()) {
      if (enabled(area.getValue(), AREA + area.getKey())) {
        areas.add(area(area.getKey(), area.getValue(), defaults, baseDir, clock));
      }
    }
    Optional<String> ambiguity = TrustArea.ambiguity(areas);
    if (ambiguity.isPresent()) {
      throw CoreMessage.AREAS_AMBIGUOUS.exception(ambiguity.get());
    }
    List<Rule> rules = new ArrayList<>();
    for (Map.Entry<String, Map<String, String>> rule : ruleProps.entrySet()) {
      if (enabled(rule.getValue(), RULE + rule.getKey())) {
        rules.add(
            new Rule(
                rule(rule.getKey(), rule.getValue()),
                ruleOrder(rule.getValue(), RULE + rule.getKey() + ".")));
      }
    }
    rules.sort(Comparator.comparingInt(Rule::order).thenComparing(r -> r.rule().name()));
    Set<String> areaNames = new TreeSet<>();
    areas.forEach(area -> areaNames.add(area.name()));
    List<String> warnings = new ArrayList<>();
    for (Rule rule : rules) {
      ruleAreasExist(rule.rule(), areaNames).ifPresent(warnings::add);
    }
    boolean refuseUnmatched = unmatched(properties.get(PREFIX + "unmatched"));
    int cacheSize =
        properties.containsKey(PREFIX + "cache.size")
            ? integer(PREFIX + "cache.size", properties.get(PREFIX + "cache.size"), 0)
            : PkixTrustValidator.DEFAULT_CACHE_SIZE;
    String intervalText = properties.get(PREFIX + "refusal.log.interval");
    Duration refusalLogInterval =
        intervalText == null
            ? RefusalLog.DEFAULT_INTERVAL
            : duration(PREFIX + "refusal.log.interval", intervalText, false);
    if (refusalLogInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw CoreMessage.PROPERTY_INVALID.exception(
          PREFIX + "refusal.log.interval", intervalText, "must be at least 1s");
    }
    DenyList denyList = DenyList.empty();
    String entries = properties.get(PREFIX + "denyList.entries");
    if (entries != null && !entries.isBlank()) {
      try {
        denyList.replace(list(entries));
      } catch (PortcullisException e) {
        throw CoreMessage.PROPERTY_INVALID.causedBy(
            e, PREFIX + "denyList.entries", entries, e.getMessage());
      }
    }
    Optional<Path> denyFile = Optional.empty();
    String file = properties.get(PREFIX + "denyList.file");
    if (file != null && !file.isBlank()) {
      Path path = baseDir.resolve(file.strip());
      if (!denyList.reloadFrom(path)) {
        throw CoreMessage.PROPERTY_INVALID.exception(
            PREFIX + "denyList.file", file, "the file cannot be read or is invalid");
      }
      denyFile = Optional.of(path);
    }
    return new PortcullisConfig(
        areas,
        new RoleRules(rules.stream().map(Rule::rule).toList()),
        refuseUnmatched,
        denyList,
        denyFile,
        cacheSize,
        refusalLogInterval,
        warnings);
  }

  /**
   * Checks that the areas {@code rule} names (its {@code area}, or the value of an exact rule on
   * the attribute {@code area}) are among {@code known}, the configured and enabled areas, sorted.
   * Area names compare exactly, as the rules compare them: a deny rule naming another area would
   * deny no one, so it is refused; a grant rule would grant nothing, which is reported.
   *
   * @return the warning for a grant rule naming an unknown area
   * @throws PortcullisException {@code PRTC0709E} for a deny rule naming an unknown area
   */
  private static Optional<String> ruleAreasExist(RoleRule rule, Set<String> known)
      throws PortcullisException {
    List<String> named = new ArrayList<>();
    rule.area().ifPresent(named::add);
    if (rule.attribute() == Attribute.AREA && rule.match() == RoleRule.Match.EXACT) {
      named.add(rule.value());
    }
    for (String area : named) {
      if (known.contains(area)) {
        continue;
      }
      StringBuilder listed =
          new StringBuilder(
              known.isEmpty() ? "no area is configured" : "areas: " + String.join(", ", known));
      known.stream()
          .filter(candidate -> candidate.equalsIgnoreCase(area))
          .forEach(
              candidate ->
                  listed
                      .append("; area names are compared exactly: did you mean '")
                      .append(candidate)
                      .append("'?"));
      if (rule.effect() == RoleRule.Effect.DENY) {
        throw CoreMessage.RULE_AREA_UNKNOWN.exception(rule.name(), area, listed);
      }
      return Optional.of(CoreMessage.RULE_AREA_UNKNOWN_GRANT.format(rule.name(), area, listed));
    }
    return Optional.empty();
  }

  /**
   * The deployment policy from {@code portcullis.policy.*} keys alone (the safe defaults where a
   * key is absent); used by {@code portcullis verify --policy}.
   */
  public static TrustPolicy parsePolicy(Map<String, String> properties) throws PortcullisException {
    Map<String, String> policyProps = new TreeMap<>();
    for (Map.Entry<String, String> entry : properties.entrySet()) {
      if (entry.getKey().startsWith(POLICY)) {
        String sub = entry.getKey().substring(POLICY.length());
        if (!POLICY_KEYS.contains(sub)) {
          throw unknown(entry.getKey(), POLICY_KEYS);
        }
        policyProps.put(sub, entry.getValue() == null ? "" : entry.getValue().strip());
      }
    }
    return policy(TrustPolicy.defaults(), policyProps, POLICY);
  }

  private record Rule(RoleRule rule, int order) {}

  private static void group(
      String key,
      String prefix,
      String value,
      Map<String, Map<String, String>> into,
      Set<String> allowed)
      throws PortcullisException {
    String rest = key.substring(prefix.length());
    int dot = rest.indexOf('.');
    if (dot <= 0) {
      throw CoreMessage.PROPERTY_UNKNOWN.exception(key, "expected " + prefix + "<name>.<setting>");
    }
    String name = rest.substring(0, dot);
    String sub = rest.substring(dot + 1);
    if (!NAME.matcher(name).matches()) {
      throw CoreMessage.PROPERTY_INVALID.exception(
          key, name, "names may hold letters, digits, '-' and '_' only");
    }
    if (!allowed.contains(sub)) {
      throw unknown(key, allowed);
    }
    into.computeIfAbsent(name, n -> new TreeMap<>()).put(sub, value);
  }

  private static TrustArea area(
      String name, Map<String, String> props, TrustPolicy defaults, Path baseDir, Clock clock)
      throws PortcullisException {
    String prefix = AREA + name + ".";
    String anchorList = props.get("anchors");
    if (anchorList == null || anchorList.isBlank()) {
      throw CoreMessage.PROPERTY_REQUIRED.exception(
          prefix + "anchors", "(the files holding the area's root certificates)");
    }
    List<X509Certificate> anchors = certificates(anchorList, baseDir);
    List<X509Certificate> intermediates =
        props.containsKey("intermediates")
            ? certificates(props.get("intermediates"), baseDir)
            : List.of();
    TrustPolicy policy = policy(defaults, props, prefix);
    NameScope scope = scope(prefix, props);
    List<String> crlList = list(props.getOrDefault("crl", ""));
    String modeText = props.get("revocation");
    RevocationMode mode =
        modeText == null
            ? (crlList.isEmpty() ? RevocationMode.OFF : RevocationMode.HARD_FAIL)
            : revocationMode(prefix + "revocation", modeText);
    if (mode != RevocationMode.OFF && crlList.isEmpty() && mode == RevocationMode.HARD_FAIL) {
      throw CoreMessage.PROPERTY_REQUIRED.exception(
          prefix + "crl", "(hard-fail revocation needs a CRL file or URL)");
    }
    String checked =
        valueOrDefault(props, Section.AREA, "revocationScope").toLowerCase(Locale.ROOT);
    if (!checked.equals("leaf") && !checked.equals("chain")) {
      throw CoreMessage.PROPERTY_INVALID.exception(
          prefix + "revocation.scope", checked, "expected leaf or chain");
    }
    Duration refresh =
        duration(prefix + "crl.refresh", valueOrDefault(props, Section.AREA, "crlRefresh"), false);
    Revocation revocation = Revocation.off();
    if (mode != RevocationMode.OFF) {
      List<CrlSource> sources = new ArrayList<>();
      for (String crl : crlList) {
        sources.add(crlSource(prefix + "crl", crl, baseDir));
      }
      revocation =
          new Revocation(
              mode,
              checked.equals("leaf"),
              CrlStore.loading(sources, refresh, clock, caCertificates(anchors, intermediates)));
    }
    try {
      return new TrustArea(name, anchors, intermediates, policy, revocation, scope);
    } catch (IllegalArgumentException e) {
      throw CoreMessage.PROPERTY_INVALID.causedBy(
          e, prefix + "anchors", anchorList, e.getMessage());
    }
  }

  private static NameScope scope(String prefix, Map<String, String> props)
      throws PortcullisException {
    String prefixes = props.getOrDefault("spiffe.prefixes", "");
    try {
      return NameScope.of(list(prefixes), list(props.getOrDefault("dns.subtrees", "")));
    } catch (PortcullisException e) {
      throw CoreMessage.PROPERTY_INVALID.causedBy(
          e, prefix + "spiffe.prefixes", prefixes, e.getMessage());
    }
  }

  private static List<X509Certificate> caCertificates(
      List<X509Certificate> anchors, List<X509Certificate> intermediates) {
    List<X509Certificate> all = new ArrayList<>(anchors);
    all.addAll(intermediates);
    return all;
  }

  private static CrlSource crlSource(String key, String text, Path baseDir)
      throws PortcullisException {
    if (text.startsWith("http://") || text.startsWith("https://")) {
      try {
        return CrlSource.url(URI.create(text), Duration.ofSeconds(10));
      } catch (IllegalArgumentException e) {
        throw CoreMessage.PROPERTY_INVALID.causedBy(e, key, text, e.getMessage());
      }
    }
    return CrlSource.file(baseDir.resolve(text));
  }

  private static TrustPolicy policy(TrustPolicy base, Map<String, String> props, String prefix)
      throws PortcullisException {
    TrustPolicy policy = base;
    if (props.containsKey("requireEku") || props.containsKey("allowAnyEku")) {
      policy =
          policy.withEku(
              bool(prefix + "requireEku", props.get("requireEku"), policy.requireEku()),
              bool(prefix + "allowAnyEku", props.get("allowAnyEku"), policy.allowAnyEku()));
    }
    if (props.containsKey("maxLeafLifetime")) {
      policy =
          policy.withMaxLeafLifetime(
              duration(prefix + "maxLeafLifetime", props.get("maxLeafLifetime"), true));
    }
    if (props.containsKey("refuseNoExpiry")) {
      policy =
          policy.withRefuseNoExpiry(
              bool(prefix + "refuseNoExpiry", props.get("refuseNoExpiry"), true));
    }
    if (props.containsKey("minRsaBits") || props.containsKey("minEcBits")) {
      policy =
          policy.withKeyFloors(
              props.containsKey("minRsaBits")
                  ? integer(prefix + "minRsaBits", props.get("minRsaBits"), 0)
                  : policy.minRsaBits(),
              props.containsKey("minEcBits")
                  ? integer(prefix + "minEcBits", props.get("minEcBits"), 0)
                  : policy.minEcBits());
    }
    if (props.containsKey("signatureAlgorithms")) {
      List<String> algorithms = list(props.get("signatureAlgorithms"));
      policy = policy.withSignatureAlgorithms(Set.copyOf(new HashSet<>(algorithms)));
    }
    if (props.containsKey("maxChainDepth")) {
      policy =
          policy.withMaxChainDepth(
              integer(prefix + "maxChainDepth", props.get("maxChainDepth"), 0));
    }
    if (props.containsKey("profile")) {
      policy = policy.withProfile(bool(prefix + "profile", props.get("profile"), true));
    }
    if (props.containsKey("issuerDuties")) {
      policy =
          policy.toBuilder()
              .holdIssuersToDuties(bool(prefix + "issuerDuties", props.get("issuerDuties"), true))
              .build();
    }
    return policy;
  }

  private static RoleRule rule(String name, Map<String, String> props) throws PortcullisException {
    String prefix = RULE + name + ".";
    String attributeText = props.get("attribute");
    if (attributeText == null || attributeText.isBlank()) {
      throw CoreMessage.PROPERTY_REQUIRED.exception(
          prefix + "attribute", "(what the rule looks at)");
    }
    String pattern = props.containsKey("pattern") ? props.get("pattern") : props.get("value");
    if (pattern == null || pattern.isEmpty()) {
      throw CoreMessage.PROPERTY_REQUIRED.exception(prefix + "pattern", "(the value to match)");
    }
    try {
      Attribute attribute = Attribute.parse(attributeText);
      RoleRule.Match match = RoleRule.Match.parse(valueOrDefault(props, Section.RULE, "match"));
      RoleRule.Effect effect = RoleRule.Effect.parse(valueOrDefault(props, Section.RULE, "effect"));
      List<String> groups = list(props.getOrDefault("groups", ""));
      if (effect == RoleRule.Effect.DENY && !groups.isEmpty()) {
        throw new IllegalArgumentException("a deny rule grants no groups; remove .groups");
      }
      RoleRule rule = new RoleRule(name, attribute, match, pattern, effect, groups);
      return props.containsKey("area") ? rule.inArea(props.get("area")) : rule;
    } catch (IllegalArgumentException e) {
      throw CoreMessage.RULE_INVALID.causedBy(e, name, e.getMessage());
    }
  }

  private static int ruleOrder(Map<String, String> props, String prefix)
      throws PortcullisException {
    return props.containsKey("order")
        ? integer(prefix + "order", props.get("order"), Integer.MIN_VALUE)
        : 0;
  }

  private static boolean enabled(Map<String, String> props, String prefix)
      throws PortcullisException {
    return bool(prefix + ".enabled", props.get("enabled"), true);
  }

  private static boolean unmatched(String text) throws PortcullisException {
    if (text == null || text.isBlank()) {
      return false;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "authenticate" -> false;
      case "refuse" -> true;
      default ->
          throw CoreMessage.PROPERTY_INVALID.exception(
              PREFIX + "unmatched", text, "expected authenticate or refuse");
    };
  }

  private static RevocationMode revocationMode(String key, String text) throws PortcullisException {
    return switch (text.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "off", "none" -> RevocationMode.OFF;
      case "soft-fail", "soft" -> RevocationMode.SOFT_FAIL;
      case "hard-fail", "hard" -> RevocationMode.HARD_FAIL;
      default ->
          throw CoreMessage.PROPERTY_INVALID.exception(
              key, text, "expected off, soft-fail or hard-fail");
    };
  }

  private static List<X509Certificate> certificates(String files, Path baseDir)
      throws PortcullisException {
    List<X509Certificate> result = new ArrayList<>();
    for (String file : list(files)) {
      result.addAll(CertificateFiles.read(baseDir.resolve(file)));
    }
    return result;
  }

  /**
   * The files the trust areas of {@code properties} read certificates from (anchors and
   * intermediates, resolved against {@code baseDir}), in a stable order: what to watch so that a
   * root or intermediate rotated by replacing files takes effect without a configuration change.
   */
  public static List<Path> trustFiles(Map<String, String> properties, Path baseDir) {
    Set<Path> files = new LinkedHashSet<>();
    for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(AREA) && (key.endsWith(".anchors") || key.endsWith(".intermediates"))) {
        list(entry.getValue()).forEach(file -> files.add(baseDir.resolve(file)));
      }
    }
    return List.copyOf(files);
  }

  static List<String> list(String text) {
    return Arrays.stream(text.split("[,\\n]"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  private static boolean bool(String key, String text, boolean fallback)
      throws PortcullisException {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw CoreMessage.PROPERTY_INVALID.exception(key, text, "expected true or false");
    };
  }

  private static int integer(String key, String text, int minimum) throws PortcullisException {
    if (text == null) {
      throw CoreMessage.PROPERTY_INVALID.exception(key, "", "expected a whole number");
    }
    try {
      int value = Integer.parseInt(text.strip());
      if (value < minimum) {
        throw CoreMessage.PROPERTY_INVALID.exception(key, text, "must be at least " + minimum);
      }
      return value;
    } catch (NumberFormatException e) {
      throw CoreMessage.PROPERTY_INVALID.causedBy(e, key, text, "expected a whole number");
    }
  }

  /** ISO-8601 ({@code P90D}, {@code PT12H}) or short ({@code 90d}, {@code 12h}, {@code 30m}). */
  public static Duration duration(String key, String text, boolean noneAllowed)
      throws PortcullisException {
    String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (noneAllowed && (value.equals("none") || value.equals("unlimited"))) {
      return null;
    }
    Duration result;
    Matcher m = SHORT_DURATION.matcher(value);
    try {
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        result =
            switch (m.group(2)) {
              case "d" -> Duration.ofDays(amount);
              case "h" -> Duration.ofHours(amount);
              case "m" -> Duration.ofMinutes(amount);
              default -> Duration.ofSeconds(amount);
            };
      } else {
        result = Duration.parse(value.toUpperCase(Locale.ROOT));
      }
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw CoreMessage.PROPERTY_INVALID.causedBy(
          e, key, text, "expected a duration such as 90d, 12h or P90D");
    }
    if (result.isNegative() || result.isZero()) {
      throw CoreMessage.PROPERTY_INVALID.exception(key, text, "must be positive");
    }
    return result;
  }

  private static PortcullisException unknown(String key, Set<String> allowed) {
    return CoreMessage.PROPERTY_UNKNOWN.exception(key, "known settings: " + new TreeSet<>(allowed));
  }

  /** The value of {@code attribute}'s property in {@code props}, or its schema default. */
  private static String valueOrDefault(
      Map<String, String> props, Section element, String attribute) {
    Settings.Setting setting = Settings.setting(element, attribute);
    return props.getOrDefault(setting.key(), setting.defaultValue());
  }

  private static Set<String> globalKeys() {
    Set<String> keys = new HashSet<>();
    for (Section element : List.of(Section.ROOT, Section.DENY_LIST)) {
      Settings.keys(element).forEach(key -> keys.add(element.prefix() + key));
    }
    return Set.copyOf(keys);
  }
}
