package io.portcullis.acme;

import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyMaterial;
import io.portcullis.messages.PortcullisException;
import io.portcullis.renewal.AcmeSettings;
import io.portcullis.renewal.CaCertificateFiles;
import io.portcullis.renewal.Issuer;
import io.portcullis.renewal.RenewalSettings;
import io.portcullis.renewal.RenewalWindow;
import io.portcullis.trust.TrustArea;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * An ACME server (RFC 8555) as a renewal {@link Issuer}, through acme4j. Each renewal orders the
 * DNS names of the current certificate under the account (registered at the first renewal, with
 * External Account Binding when configured, so vetting stays with the ACME server's operator),
 * proves pending names with http-01 on {@code acmeHttpPort} when one is set, and finalizes with a
 * CSR signed by the new key wherever the key source keeps it: the key is never exported, and acme4j
 * never sees it. acme4j retries {@code badNonce} answers itself. Where the server offers ACME
 * Renewal Information (RFC 9773), the order names the certificate it replaces, and the agent renews
 * inside the window the server suggests ({@link #window}).
 *
 * <p>Fails closed on identity: a certificate with URI names (a SPIFFE ID) is not renewed from ACME,
 * which issues DNS names only, and a certificate whose DNS names differ from those ordered is
 * refused.
 */
public final class AcmeIssuer implements Issuer {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** How soon the renewal window is asked for again when the server sends no Retry-After. */
  static final Duration WINDOW_RECHECK = Duration.ofHours(6);

  private final AcmeSettings settings;
  private final Path roots;
  private final SSLContext tls;

  /**
   * @param settings the server, account and challenge settings
   * @param roots the PEM file of the anchors the issued chains must validate to ({@code caRoot}),
   *     read at each renewal so that a rotated root takes effect without a restart
   * @param tls the TLS context for the server's own connection, or null for the JVM's default
   */
  public AcmeIssuer(AcmeSettings settings, Path roots, SSLContext tls) {
    this.settings = settings;
    this.roots = roots;
    this.tls = tls;
  }

  /**
   * The issuer a key source's {@code renew="acme"} settings describe.
   *
   * @throws PortcullisException {@code PRTC0501E} when {@code caRoot} or {@code acmeTrust} is not a
   *     file of CA certificates
   */
  public static AcmeIssuer of(RenewalSettings renewal) throws PortcullisException {
    AcmeSettings acme = renewal.acme().orElseThrow();
    Path roots = renewal.caRoot().orElseThrow();
    CaCertificateFiles.read(roots, "caRoot"); // refuse a configuration naming an unusable file
    SSLContext tls = null;
    if (acme.trust().isPresent()) {
      tls = trusting(CaCertificateFiles.read(acme.trust().get(), "acmeTrust"));
    }
    return new AcmeIssuer(acme, roots, tls);
  }

  @Override
  public List<X509Certificate> renew(KeyMaterial current, KeyPair newKeys)
      throws PortcullisException {
    X509Certificate certificate = current.certificate();
    String serial = certificate.getSerialNumber().toString(16);
    List<String> names = dnsNames(certificate, serial);
    // What the server was asked last, for the message when it fails.
    String step = "the directory";
    try {
      Session session = session();
      session.getMetadata(); // reads the directory: an unreachable server fails here
      step = settings.eabKid().isPresent() ? "account registration with EAB" : "account login";
      Login login = login(session);
      step = "the order";
      OrderBuilder builder = login.newOrder().domains(names);
      if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent()) {
        builder.replaces(certificate);
      }
      Order order = builder.create();
      step = "authorization";
      authorize(order);
      Status ready = order.waitUntilReady(WAIT);
      if (ready != Status.READY) {
        throw AcmeMessage.SERVER_FAILED.exception(
            settings.directory(), serial, step, "the order is " + ready + problem(order));
      }
      step = "finalization";
      order.execute(Csr.create(newKeys, null, names).encoded());
      Status done = order.waitForCompletion(WAIT);
      if (done != Status.VALID) {
        throw AcmeMessage.SERVER_FAILED.exception(
            settings.directory(),
            serial,
            step,
            "the order is " + done + " after finalization" + problem(order));
      }
      step = "the certificate download";
      List<X509Certificate> chain = order.getCertificate().getCertificateChain();
      List<String> issued = dnsNames(chain.get(0), chain.get(0).getSerialNumber().toString(16));
      if (!new TreeSet<>(issued).equals(new TreeSet<>(names))) {
        throw AcmeMessage.NAMES_CHANGED.exception(settings.directory(), issued, names);
      }
      return chain;
    } catch (AcmeException | RuntimeException e) {
      throw AcmeMessage.SERVER_FAILED.causedBy(e, settings.directory(), serial, step, describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AcmeMessage.SERVER_FAILED.causedBy(
          e, settings.directory(), serial, step, "interrupted");
    }
  }

  /**
   * The server's problem type and detail when it sent one (RFC 8555 section 6.7), else the failure
   * and its cause: never a bare stack of exception names.
   */
  static String describe(Exception e) {
    if (e instanceof AcmeServerException server) {
      return "problem " + server.getType() + ": " + server.getMessage();
    }
    String cause = e.getCause() == null ? "" : " (" + e.getCause() + ")";
    return e.getClass().getSimpleName() + ": " + e.getMessage() + cause;
  }

  /**
   * The server's suggested renewal window for {@code certificate} (RFC 9773), when its directory
   * offers renewal information; asked for again at its Retry-After, or after {@link
   * #WINDOW_RECHECK} when it sends none.
   */
  @Override
  public Optional<RenewalWindow> window(X509Certificate certificate) throws PortcullisException {
    String serial = certificate.getSerialNumber().toString(16);
    try {
      Session session = session();
      if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
        return Optional.empty();
      }
      RenewalInfo info = login(session).bindRenewalInfo(certificate);
      Optional<Instant> retryAfter = info.fetch();
      return Optional.of(
          new RenewalWindow(
              info.getSuggestedWindowStart(),
              info.getSuggestedWindowEnd(),
              retryAfter.orElse(Instant.now().plus(WINDOW_RECHECK))));
    } catch (AcmeException | RuntimeException e) {
      throw AcmeMessage.SERVER_FAILED.causedBy(
          e, settings.directory(), serial, "renewal information", describe(e));
    }
  }

  @Override
  public List<TrustArea> trust() throws PortcullisException {
    return List.of(new TrustArea("acme", CaCertificateFiles.read(roots, "caRoot"), List.of()));
  }

  @Override
  public String describe() {
    return "the ACME server " + settings.directory();
  }

  /** A session whose connections trust {@code acmeTrust} when given, the JVM's anchors if not. */
  private Session session() {
    return new Session(
        settings.directory(),
        new GenericAcmeProvider() {
          @Override
          public HttpClient createHttpClient(NetworkSettings network) {
            HttpClient.Builder builder =
                HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(network.getTimeout())
                    .proxy(network.getProxySelector());
            if (tls != null) {
              builder.sslContext(tls);
            }
            return builder.build();
          }
        });
  }

  /** The account for the key, registered (with EAB if configured) on first use. */
  private Login login(Session session) throws PortcullisException, AcmeException {
    AccountBuilder account =
        new AccountBuilder()
            .agreeToTermsOfService()
            .useKeyPair(AccountKey.loadOrCreate(settings.accountKey()));
    if (settings.eabKid().isPresent()) {
      account.withKeyIdentifier(
          settings.eabKid().get(), new String(settings.eabKey().orElseThrow().chars()));
    }
    return account.createLogin(session);
  }

  /** Proves each pending name of {@code order} with http-01 on {@code acmeHttpPort}. */
  private void authorize(Order order)
      throws PortcullisException, AcmeException, InterruptedException {
    Http01Responder responder = null;
    try {
      for (Authorization authorization : order.getAuthorizations()) {
        if (authorization.getStatus() == Status.VALID) {
          continue; // pre-authorized, or proven by an earlier order
        }
        String name = authorization.getIdentifier().getDomain();
        if (settings.httpPort().isEmpty()) {
          throw AcmeMessage.CHALLENGE_UNANSWERABLE.exception(settings.directory(), name);
        }
        Http01Challenge challenge =
            authorization
                .findChallenge(Http01Challenge.class)
                .orElseThrow(
                    () ->
                        AcmeMessage.AUTHORIZATION_FAILED.exception(
                            settings.directory(), name, "it offers no http-01 challenge"));
        if (responder == null) {
          responder = Http01Responder.start(settings.httpPort().getAsInt());
        }
        responder.answer(challenge.getToken(), challenge.getAuthorization());
        challenge.trigger();
        Status status = authorization.waitForCompletion(WAIT);
        if (status != Status.VALID) {
          String detail =
              challenge.getError().map(Object::toString).orElse("the authorization is " + status);
          throw AcmeMessage.AUTHORIZATION_FAILED.exception(settings.directory(), name, detail);
        }
      }
    } catch (IOException e) {
      throw AcmeMessage.AUTHORIZATION_FAILED.causedBy(
          e, settings.directory(), "-", "port " + settings.httpPort() + " cannot be opened: " + e);
    } finally {
      if (responder != null) {
        responder.close();
      }
    }
  }

  /** The DNS names of {@code certificate}, refusing one that carries URI names or none. */
  private static List<String> dnsNames(X509Certificate certificate, String serial)
      throws PortcullisException {
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add(String.valueOf(san.get(1)));
          } else if (type == 6) {
            uris.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw AcmeMessage.NO_DNS_NAME.causedBy(e, serial);
    }
    if (!uris.isEmpty()) {
      throw AcmeMessage.URI_NAMES_LOST.exception(serial, uris);
    }
    if (dns.isEmpty()) {
      throw AcmeMessage.NO_DNS_NAME.exception(serial);
    }
    return dns;
  }

  private static String problem(Order order) {
    return order.getError().map(p -> ": " + p).orElse("");
  }

  private static SSLContext trusting(List<X509Certificate> anchors) throws PortcullisException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("an in-memory trust store cannot fail", e);
    }
  }
}
