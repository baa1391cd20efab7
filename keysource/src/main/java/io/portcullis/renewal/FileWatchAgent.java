package io.portcullis.renewal;

import io.portcullis.keys.KeyMaterial;
import io.portcullis.keys.KeySource;
import io.portcullis.keys.KeySourceConfig;
import io.portcullis.keys.KeySourceMessage;
import io.portcullis.keys.PemKeySource;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Takes the credential an outside manager (cert-manager, the SPIRE helper, Vault agent) writes to a
 * {@code type=pem} key source's two files ({@code renew="files"}). The server is only ever given a
 * pair this agent accepted: the files' bytes must stay unchanged for {@code quietPeriod}, the key
 * must match the certificate, the chain must validate against {@code caRoot} now, and a TLS
 * handshake with them must succeed. What is served is the bytes that were checked, held in memory,
 * so a file rewritten half-way afterwards is never read in passing (by a reload another key source
 * caused, say). A pair that fails is logged once ({@code PRTC0551W}) and the last good one stays.
 */
public final class FileWatchAgent implements CredentialAgent {
  private static final Logger LOG = Logger.getLogger(FileWatchAgent.class.getName());

  private final String name;
  private final Path chainFile;
  private final Path keyFile;
  private final String alias;
  private final Path roots;
  private final Duration quietPeriod;
  private final Optional<String> expectedIdentity;
  private final Consumer<KeyMaterial> swapped;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  private KeyMaterial accepted;
  private Snapshot acceptedFiles;
  private Snapshot seen;
  private Instant seenSince;
  private Snapshot refused;
  private ScheduledFuture<?> polling;
  private boolean closed;
  private volatile RenewalStatus status = RenewalStatus.none();

  private FileWatchAgent(
      String name,
      KeySourceConfig config,
      Consumer<KeyMaterial> swapped,
      ScheduledExecutorService scheduler,
      Clock clock) {
    this.name = name;
    this.chainFile = config.file().orElseThrow();
    this.keyFile = config.keyFile().orElseThrow();
    this.alias = config.alias().orElse(name);
    this.roots = config.renewal().caRoot().orElseThrow();
    this.quietPeriod = config.renewal().quietPeriod();
    this.expectedIdentity = config.renewal().expectedIdentity();
    this.swapped = swapped;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * An agent for a key source with {@code renew="files"}; nothing is read until {@link
   * KeySource#load()} of its {@link #source()} or {@link #start()}.
   *
   * @throws PortcullisException {@code PRTC0501E} when {@code caRoot} holds no CA certificate
   */
  public static FileWatchAgent create(
      String name,
      KeySourceConfig config,
      Consumer<KeyMaterial> swapped,
      ScheduledExecutorService scheduler,
      Clock clock)
      throws PortcullisException {
    if (config.renewal().issuer() != RenewalSettings.IssuerKind.FILES) {
      throw new IllegalArgumentException("not a renew=files key source: " + config);
    }
    CaCertificateFiles.read(config.renewal().caRoot().orElseThrow(), "caRoot");
    return new FileWatchAgent(name, config, swapped, scheduler, clock);
  }

  /**
   * The key source the server loads: the accepted credential. The first load reads the files and
   * checks them as a new pair is checked, without waiting for a quiet period (the server has
   * nothing else to serve); if they fail, the load fails with the reason.
   */
  public KeySource source() {
    return this::current;
  }

  private synchronized KeyMaterial current() throws PortcullisException {
    if (accepted == null) {
      Snapshot files = Snapshot.read(chainFile, keyFile);
      accepted = check(files);
      acceptedFiles = files;
    }
    return accepted;
  }

  @Override
  public synchronized void start() {
    if (closed || polling != null) {
      return;
    }
    long every = Math.max(50, Math.min(1000, quietPeriod.toMillis() / 4));
    polling = scheduler.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
  }

  /** One look at the files: a pair unchanged for the quiet period that is new gets checked. */
  synchronized void poll() {
    if (closed) {
      return;
    }
    Snapshot files;
    try {
      files = Snapshot.read(chainFile, keyFile);
    } catch (PortcullisException e) {
      files = Snapshot.missing(e.getMessage()); // a file being replaced; look again
    }
    Instant now = clock.instant();
    if (!files.equals(seen)) {
      seen = files;
      seenSince = now;
      return;
    }
    if (files.equals(acceptedFiles)
        || files.equals(refused)
        || Duration.between(seenSince, now).compareTo(quietPeriod) < 0) {
      return;
    }
    KeyMaterial previous = accepted;
    status = status.attempted(now);
    try {
      KeyMaterial next = check(files);
      accepted = next;
      acceptedFiles = files;
      refused = null;
      status = status.succeeded(now);
      LOG.info(
          KeySourceMessage.FILES_LOADED.format(
              name,
              describeFiles(),
              previous == null ? "-" : serial(previous.certificate()),
              serial(next.certificate()),
              next.certificate().getNotAfter().toInstant()));
      swapped.accept(next);
    } catch (PortcullisException | RuntimeException e) {
      refused = files;
      status = status.failed(now, e);
      LOG.warning(
          KeySourceMessage.FILES_REFUSED.format(
              name,
              describeFiles(),
              e.getMessage(),
              previous == null ? "-" : serial(previous.certificate()),
              previous == null ? "-" : previous.certificate().getNotAfter().toInstant()));
    }
  }

  /** The pair in {@code files}: readable, matching, trusted now, and able to serve a handshake. */
  private KeyMaterial check(Snapshot files) throws PortcullisException {
    if (files.problem != null) {
      throw KeySourceMessage.PEM_UNREADABLE.exception(describeFiles(), files.problem);
    }
    KeyMaterial material = PemKeySource.material(alias, files.chain, files.key, chainFile, keyFile);
    // An outside manager's pair must keep the identity served, as every issuer's must.
    CertificateIdentity.keeps(
        name,
        Optional.ofNullable(accepted).map(KeyMaterial::certificate),
        material.certificate(),
        expectedIdentity);
    List<TrustArea> trust =
        List.of(new TrustArea("files", CaCertificateFiles.read(roots, "caRoot"), List.of()));
    RenewalAgent.checkChain(name, material.chain(), trust, clock);
    SelfTest.handshake(name, material.privateKey(), material.chain());
    return material;
  }

  /** New pairs looked at, taken and refused: what health and metrics report. */
  @Override
  public RenewalStatus status() {
    return status;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (polling != null) {
      polling.cancel(false);
    }
  }

  private String describeFiles() {
    return chainFile + " and " + keyFile;
  }

  private static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  /** The two files' bytes at one look (or why they could not be read), compared by digest. */
  private static final class Snapshot {
    final byte[] chain;
    final byte[] key;
    final String problem;
    private final byte[] digest;

    private Snapshot(byte[] chain, byte[] key, String problem) {
      this.chain = chain;
      this.key = key;
      this.problem = problem;
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(chain);
        sha.update((byte) 0);
        sha.update(key);
        sha.update((byte) 0);
        if (problem != null) {
          sha.update(problem.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        this.digest = sha.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    static Snapshot read(Path chainFile, Path keyFile) throws PortcullisException {
      try {
        return new Snapshot(Files.readAllBytes(chainFile), Files.readAllBytes(keyFile), null);
      } catch (NoSuchFileException e) {
        throw KeySourceMessage.PEM_UNREADABLE.causedBy(e, e.getFile(), "it does not exist");
      } catch (IOException e) {
        throw KeySourceMessage.PEM_UNREADABLE.causedBy(
            e, chainFile + " / " + keyFile, e.toString());
      }
    }

    static Snapshot missing(String problem) {
      return new Snapshot(new byte[0], new byte[0], problem);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Snapshot snapshot && Arrays.equals(digest, snapshot.digest);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(digest);
    }
  }
}
