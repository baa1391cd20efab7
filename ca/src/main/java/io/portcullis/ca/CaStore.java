package io.portcullis.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.ca.StateRecords.RegistrationRecord;
import io.portcullis.ca.StateRecords.RevocationList;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CA's state directory, layout version 1:
 *
 * <pre>
 * portcullis-ca.json              what the CA is, where the root key lives (layoutVersion)
 * root/root.pem                   the root certificate (the anchor workloads trust)
 * root/revocations.json           revoked area intermediates, CRL number
 * root/anchors.pem                the roots servers trust: the active one, and during a root
 *                                 rollover the next or the previous one too (the published bundle)
 * root/rollover.json              which root generation is active, next, previous (absent: 1 only)
 * root/gN.pem, root/gN-revocations.json   root generation N (N at least 2) and its revocations
 * areas/NAME/cas.pem              the area's intermediates under the roots of anchors.pem (bundle)
 * areas/NAME/ca-gN.pem            the area's intermediate under root generation N (same key)
 * areas/NAME/area.json            the area's policy: URI prefix, DNS subtrees, max lifetime, retired
 * areas/NAME/ca.pem               the area's intermediate certificate
 * areas/NAME/ca-key.pem           the intermediate's key (PKCS#8, 0600)
 * areas/NAME/revocations.json     revoked leaves, CRL number
 * workloads/KEY.json              one registration (KEY = SHA-256 of the SPIFFE ID, 32 hex)
 * certs/SHA256.pem                every certificate issued, by fingerprint
 * crl/NAME.crl, crl/root.crl      the published CRLs (DER), served at the CRL distribution point
 * crl/root-gN.crl                 root generation N's CRL (DER), named by its intermediates' CDP
 * crl/roots.pem                   the CRLs of every root in anchors.pem (PEM, the bundle)
 * audit.jsonl                     the append-only audit log
 * </pre>
 *
 * Every file is replaced atomically; a corrupted or unknown-version file is refused with {@code
 * PRTC0403E}, never repaired or guessed at.
 */
final class CaStore {
  static final String CONFIG_FILE = "portcullis-ca.json";
  private static final Pattern AREA_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final Path dir;
  private final ObjectMapper json;

  CaStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.json =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  Path dir() {
    return dir;
  }

  ObjectMapper json() {
    return json;
  }

  static boolean validAreaName(String name) {
    return name != null && AREA_NAME.matcher(name).matches();
  }

  Path configFile() {
    return dir.resolve(CONFIG_FILE);
  }

  Path rootCertFile() {
    return dir.resolve("root/root.pem");
  }

  Path rootRevocationsFile() {
    return dir.resolve("root/revocations.json");
  }

  Path anchorsFile() {
    return dir.resolve("root/anchors.pem");
  }

  Path rolloverFile() {
    return dir.resolve("root/rollover.json");
  }

  /** Root generation {@code generation}'s certificate (written from the first rollover on). */
  Path rootCertFile(int generation) {
    return dir.resolve("root/g" + generation + ".pem");
  }

  /** Root generation {@code generation}'s revocations; the first root's are the legacy file. */
  Path rootRevocationsFile(int generation) {
    return generation == 1
        ? rootRevocationsFile()
        : dir.resolve("root/g" + generation + "-revocations.json");
  }

  /** The CRL name of root generation {@code generation}: "root" for the first, as before. */
  static String rootCrlName(int generation) {
    return generation == 1 ? "root" : "root-g" + generation;
  }

  Path rootCrlsFile() {
    return dir.resolve("crl/roots.pem");
  }

  Path areaCertsFile(String area) {
    return areaDir(area).resolve("cas.pem");
  }

  /** Area {@code area}'s intermediate under root generation {@code generation}. */
  Path areaCertFile(String area, int generation) {
    return areaDir(area).resolve("ca-g" + generation + ".pem");
  }

  Path areaDir(String area) {
    return dir.resolve("areas").resolve(area);
  }

  Path areaFile(String area) {
    return areaDir(area).resolve("area.json");
  }

  Path areaCertFile(String area) {
    return areaDir(area).resolve("ca.pem");
  }

  Path areaKeyFile(String area) {
    return areaDir(area).resolve("ca-key.pem");
  }

  Path areaRevocationsFile(String area) {
    return areaDir(area).resolve("revocations.json");
  }

  Path crlFile(String name) {
    return dir.resolve("crl").resolve(name + ".crl");
  }

  Path auditFile() {
    return dir.resolve("audit.jsonl");
  }

  Path lockFile() {
    return dir.resolve(".lock");
  }

  Path certFile(String sha256) {
    return dir.resolve("certs").resolve(sha256 + ".pem");
  }

  Path registrationFile(String spiffeId) {
    return dir.resolve("workloads").resolve(workloadKey(spiffeId) + ".json");
  }

  /** The file-name key of a workload: the first 32 hex digits of SHA-256 of its SPIFFE ID. */
  static String workloadKey(String spiffeId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(spiffeId.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  // ---- typed reads ---------------------------------------------------------------------------

  CaConfig config() throws PortcullisException {
    if (!Files.isRegularFile(configFile())) {
      throw CaMessage.NO_CA.exception(dir, CONFIG_FILE);
    }
    return read(configFile(), CaConfig.class);
  }

  Optional<AreaRecord> area(String name) throws PortcullisException {
    if (!validAreaName(name) || !Files.exists(areaFile(name))) {
      return Optional.empty();
    }
    AreaRecord area = read(areaFile(name), AreaRecord.class);
    if (!area.name().equals(name)) {
      throw CaMessage.STATE_UNREADABLE.exception(areaFile(name), "names area " + area.name());
    }
    return Optional.of(area);
  }

  List<AreaRecord> areas() throws PortcullisException {
    List<AreaRecord> areas = new ArrayList<>();
    Path root = dir.resolve("areas");
    if (!Files.isDirectory(root)) {
      return areas;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      for (Path child : children) {
        area(child.getFileName().toString()).ifPresent(areas::add);
      }
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, root, e.getMessage());
    }
    areas.sort(java.util.Comparator.comparing(AreaRecord::name));
    return areas;
  }

  Optional<RegistrationRecord> registration(String spiffeId) throws PortcullisException {
    Path file = registrationFile(spiffeId);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    RegistrationRecord record = read(file, RegistrationRecord.class);
    if (!record.spiffeId().equals(spiffeId)) {
      throw CaMessage.STATE_UNREADABLE.exception(file, "holds " + record.spiffeId());
    }
    return Optional.of(record);
  }

  Optional<RegistrationRecord> registrationByKey(String key) throws PortcullisException {
    if (!key.matches("[0-9a-f]{32}")) {
      return Optional.empty();
    }
    Path file = dir.resolve("workloads").resolve(key + ".json");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(read(file, RegistrationRecord.class));
  }

  List<RegistrationRecord> registrations() throws PortcullisException {
    List<RegistrationRecord> all = new ArrayList<>();
    Path root = dir.resolve("workloads");
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root, "*.json")) {
      for (Path child : children) {
        all.add(read(child, RegistrationRecord.class));
      }
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, root, e.getMessage());
    }
    return all;
  }

  /**
   * The latest notAfter of every certificate this CA has issued ({@code certs/}), the replaced and
   * revoked ones included; empty when it has issued none.
   */
  Optional<Instant> lastIssuedNotAfter() throws PortcullisException {
    Path root = dir.resolve("certs");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    Instant last = null;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root, "*.pem")) {
      for (Path child : children) {
        Instant notAfter = certificate(child).getNotAfter().toInstant();
        if (last == null || notAfter.isAfter(last)) {
          last = notAfter;
        }
      }
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, root, e.getMessage());
    }
    return Optional.ofNullable(last);
  }

  /** Which root generations are live; generation 1 alone when no rollover ever started. */
  StateRecords.RootGenerations rootGenerations() throws PortcullisException {
    if (!Files.exists(rolloverFile())) {
      return StateRecords.RootGenerations.first();
    }
    return read(rolloverFile(), StateRecords.RootGenerations.class);
  }

  RevocationList revocations(Path file) throws PortcullisException {
    if (!Files.exists(file)) {
      return RevocationList.empty();
    }
    return read(file, RevocationList.class);
  }

  X509Certificate certificate(Path file) throws PortcullisException {
    try {
      List<X509Certificate> certificates = Pem.certificates(Files.readString(file));
      if (certificates.size() != 1) {
        throw CaMessage.STATE_UNREADABLE.exception(
            file, "holds " + certificates.size() + " certificates, not one");
      }
      return certificates.get(0);
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }

  /** The certificates of a bundle file; none when it does not exist (an area made before them). */
  List<X509Certificate> certificates(Path file) throws PortcullisException {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return Pem.certificates(Files.readString(file));
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }

  Optional<X509Certificate> issuedCertificate(String sha256) throws PortcullisException {
    if (!sha256.matches("[0-9a-f]{64}") || !Files.exists(certFile(sha256))) {
      return Optional.empty();
    }
    return Optional.of(certificate(certFile(sha256)));
  }

  PrivateKey privateKey(Path file) throws PortcullisException {
    try {
      return Pem.privateKey(Files.readString(file));
    } catch (IOException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }

  private <T> T read(Path file, Class<T> type) throws PortcullisException {
    try {
      return json.readValue(Files.readAllBytes(file), type);
    } catch (NoSuchFileException e) {
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, "missing");
    } catch (IOException e) {
      // Jackson's message names the field and position; the record's own checks say what is wrong.
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw CaMessage.STATE_UNREADABLE.causedBy(e, file, reason.lines().findFirst().orElse(""));
    }
  }

  // ---- writes --------------------------------------------------------------------------------

  /** How a state file reaches the disk; tests put faults in its way. */
  interface Writer {
    void write(Path file, byte[] data, boolean secret) throws IOException;
  }

  private volatile Writer writer = AtomicFiles::write;

  /** Writes state files through {@code writer} from now on (tests: a disk that fails). */
  void writeWith(Writer writer) {
    this.writer = writer;
  }

  void write(Path file, Object record) throws PortcullisException {
    try {
      byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(record);
      writer.write(file, bytes, false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("state records always serialize", e);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  void writeText(Path file, String text, boolean secret) throws PortcullisException {
    try {
      writer.write(file, text.getBytes(StandardCharsets.UTF_8), secret);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  void writeBytes(Path file, byte[] bytes) throws PortcullisException {
    try {
      writer.write(file, bytes, false);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }
}
