package io.portcullis.ca;

import io.portcullis.ca.AuditLog.Entry;
import io.portcullis.ca.StateRecords.AreaRecord;
import io.portcullis.ca.StateRecords.CaConfig;
import io.portcullis.ca.StateRecords.RevocationList;
import io.portcullis.ca.StateRecords.RootGenerations;
import io.portcullis.keys.KeyType;
import io.portcullis.messages.PortcullisException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The root rollover ceremony, in three steps that servers follow by reading the bundle files
 * ({@code root/anchors.pem}, {@code areas/NAME/cas.pem}, {@code crl/roots.pem}), with no restart
 * and no server.xml change:
 *
 * <ol>
 *   <li>{@link #next}: with the current root key, a next root is made (its key where the operator
 *       says) and every live area's intermediate is certified under it again, with the same key and
 *       the same name, so a leaf an area signed chains to either root. The bundles then hold both.
 *   <li>{@link #activate}: with the next root key, the next root becomes the one the CA answers
 *       with; new chains end at it. The previous root stays in the bundles.
 *   <li>{@link #retirePrevious}: once no certificate issued before the activation can still be in
 *       use (the longest leaf lifetime has passed), the previous root leaves the bundles.
 * </ol>
 *
 * Each root generation has its own CRL ({@code crl/root.crl} for the first, {@code crl/root-gN.crl}
 * after), named in its intermediates' CRL distribution point; {@code crl/roots.pem} holds those of
 * the live roots, so a server checking the whole chain has the right one for either path.
 */
final class RootRollover {
  private final CaContext ctx;
  private final CaStore store;

  RootRollover(CaContext ctx) {
    this.ctx = ctx;
    this.store = ctx.store;
  }

  /** The outcome of {@link #next}: the next root and the areas certified under it. */
  record NextRoot(X509Certificate root, List<String> areas) {}

  /**
   * Step 1: publishes a next root. {@code currentRootKey} authorises the step (it must be the
   * active root's key); the next root's key is made at {@code nextKey}.
   */
  NextRoot next(
      RootKey currentRootKey,
      RootKeySpec nextKey,
      KeyType keyType,
      Duration validity,
      String operator)
      throws PortcullisException {
    return ctx.locked(
        "root-next",
        operator,
        null,
        null,
        () -> {
          RootGenerations generations = store.rootGenerations();
          if (generations.underWay()) {
            throw CaMessage.ROLLOVER_UNDER_WAY.exception(
                describe(generations), "publishing a next root");
          }
          requireKeyOf(currentRootKey, ctx.root());
          int next = generations.active() + 1;
          Instant now = ctx.clock.instant();
          KeyPair keys = RootKey.generate(nextKey, keyType, ctx.random);
          X509Certificate root =
              Ceremony.rootCertificate(
                  ctx.config.name(),
                  ctx.config.name() + " Root CA G" + next,
                  keys,
                  keyType,
                  now,
                  validity,
                  ctx.random);
          RootKey.store(nextKey, keys.getPrivate(), root);
          // The active generation's files are kept under their generation too: after activation
          // they are the previous root's.
          int active = generations.active();
          store.writeText(store.rootCertFile(active), Pem.encode(ctx.root()), false);
          store.writeText(store.rootCertFile(next), Pem.encode(root), false);
          List<String> areas = new ArrayList<>();
          for (AreaRecord area : store.areas()) {
            if (area.retired()) {
              continue;
            }
            X509Certificate current = store.certificate(store.areaCertFile(area.name()));
            store.writeText(store.areaCertFile(area.name(), active), Pem.encode(current), false);
            X509Certificate recertified =
                recertify(current, root, keys.getPrivate(), CaStore.rootCrlName(next), now);
            store.writeText(store.areaCertFile(area.name(), next), Pem.encode(recertified), false);
            areas.add(area.name());
          }
          RevocationList list = RevocationList.empty().nextCrl();
          X509CRL crl =
              new Revocations(ctx)
                  .buildCrl(
                      root,
                      keys.getPrivate(),
                      SigningProvider.JDK,
                      list,
                      CertificateAuthority.DEFAULT_ROOT_CRL_VALIDITY);
          store.write(store.rootRevocationsFile(next), list);
          store.writeBytes(store.crlFile(CaStore.rootCrlName(next)), Revocations.encoded(crl));
          String kind = nextKey instanceof RootKeySpec.Pkcs11 ? "pkcs11" : "pkcs12";
          String location =
              nextKey instanceof RootKeySpec.Pkcs11 p11
                  ? p11.config().toAbsolutePath() + "#" + p11.alias()
                  : ((RootKeySpec.Pkcs12) nextKey).file().toAbsolutePath().toString();
          RootGenerations published =
              new RootGenerations(
                  StateRecords.LAYOUT_VERSION, active, next, null, null, kind, location, null);
          store.write(store.rolloverFile(), published);
          // CRLs and intermediates before the anchors: a server that sees the next root already
          // finds what hangs below it.
          publishRootCrls(store, published);
          publishIntermediates(store, published);
          publishAnchors(store, published);
          ctx.audit.append(
              Entry.rootRollover(
                  now,
                  "root-next",
                  operator,
                  root.getSerialNumber().toString(16),
                  CaContext.sha256(root),
                  "generation " + next + ", key " + nextKey.describe() + ", areas " + areas));
          return new NextRoot(root, List.copyOf(areas));
        });
  }

  /**
   * Step 2: the next root becomes active. {@code nextRootKey} must be its key; the next root's CRL
   * is re-signed with it. Returns when the previous root may be retired.
   */
  Instant activate(RootKey nextRootKey, String operator) throws PortcullisException {
    return ctx.locked(
        "root-activate",
        operator,
        null,
        null,
        () -> {
          RootGenerations generations = store.rootGenerations();
          if (generations.next() == null) {
            throw CaMessage.NO_NEXT_ROOT.exception("activate");
          }
          int next = generations.next();
          X509Certificate root = store.certificate(store.rootCertFile(next));
          requireKeyOf(nextRootKey, root);
          List<AreaRecord> areas = new ArrayList<>();
          for (AreaRecord area : store.areas()) {
            if (!area.retired()) {
              if (!Files.exists(store.areaCertFile(area.name(), next))) {
                throw CaMessage.STATE_UNREADABLE.exception(
                    store.areaCertFile(area.name(), next), "missing");
              }
              areas.add(area);
            }
          }
          Instant now = ctx.clock.instant();
          CaConfig config = ctx.config;
          // The root file first: an interrupted step leaves a CA whose intermediates still chain
          // to a root in the bundle, and running the step again finishes it.
          store.writeText(store.rootCertFile(), Pem.encode(root), false);
          for (AreaRecord area : areas) {
            X509Certificate intermediate = store.certificate(store.areaCertFile(area.name(), next));
            store.writeText(store.areaCertFile(area.name()), Pem.encode(intermediate), false);
          }
          store.write(
              store.configFile(),
              new CaConfig(
                  config.layoutVersion(),
                  config.name(),
                  config.trustDomain(),
                  config.crlBaseUrl(),
                  KeyType.of(root.getPublicKey()).label(),
                  generations.nextKeyKind(),
                  generations.nextKeyLocation(),
                  config.createdAt(),
                  config.createdBy()));
          // Every certificate issued so far went out through the previous root; from now on none
          // does (issuance reads the area's intermediate at each certificate).
          Instant previousValidUntil = store.lastIssuedNotAfter().orElse(now);
          RootGenerations activated =
              new RootGenerations(
                  StateRecords.LAYOUT_VERSION,
                  next,
                  null,
                  generations.active(),
                  now.toString(),
                  null,
                  null,
                  previousValidUntil.toString());
          store.write(store.rolloverFile(), activated);
          publishRootCrls(store, activated);
          publishIntermediates(store, activated);
          publishAnchors(store, activated);
          Instant retireAfter = previousValidUntil.isAfter(now) ? previousValidUntil : now;
          ctx.audit.append(
              Entry.rootRollover(
                  now,
                  "root-activate",
                  operator,
                  root.getSerialNumber().toString(16),
                  CaContext.sha256(root),
                  "generation " + next + " active; previous retirable after " + retireAfter));
          return retireAfter;
        });
  }

  /**
   * Step 3: the previous root leaves the bundles. Refused before every certificate issued under it
   * can have been renewed, unless {@code force}.
   */
  X509Certificate retirePrevious(boolean force, String operator) throws PortcullisException {
    return ctx.locked(
        "root-retire",
        operator,
        null,
        null,
        () -> {
          RootGenerations generations = store.rootGenerations();
          if (generations.previous() == null) {
            throw CaMessage.NO_NEXT_ROOT.exception("retire: no previous root is trusted");
          }
          int previous = generations.previous();
          X509Certificate root = store.certificate(store.rootCertFile(previous));
          Instant now = ctx.clock.instant();
          Instant retireAfter = retirableAfter(generations);
          if (now.isBefore(retireAfter) && !force) {
            throw CaMessage.PREVIOUS_ROOT_IN_USE.exception(
                root.getSubjectX500Principal().getName(), retireAfter);
          }
          RootGenerations retired =
              new RootGenerations(
                  StateRecords.LAYOUT_VERSION,
                  generations.active(),
                  null,
                  null,
                  generations.activatedAt(),
                  null,
                  null,
                  null);
          store.write(store.rolloverFile(), retired);
          // Anchors first: from then on nothing a server trusts needs the previous files.
          publishAnchors(store, retired);
          publishIntermediates(store, retired);
          publishRootCrls(store, retired);
          ctx.audit.append(
              Entry.rootRollover(
                  now,
                  "root-retire",
                  operator,
                  root.getSerialNumber().toString(16),
                  CaContext.sha256(root),
                  "generation "
                      + previous
                      + " removed from the bundles"
                      + (force && now.isBefore(retireAfter)
                          ? " (forced before " + retireAfter + ")"
                          : "")));
          return root;
        });
  }

  /**
   * The area intermediate {@code current}, certified again by {@code root}: same subject, same key,
   * same extensions, with the new root's key identifier and CRL distribution point. Its validity
   * ends where the current one does, or with the new root if that is earlier.
   */
  private X509Certificate recertify(
      X509Certificate current,
      X509Certificate root,
      PrivateKey rootKey,
      String rootCrlName,
      Instant now)
      throws PortcullisException {
    try {
      X509CertificateHolder holder = new JcaX509CertificateHolder(current);
      Instant notBefore = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(60);
      Instant notAfter = current.getNotAfter().toInstant();
      if (notAfter.isAfter(root.getNotAfter().toInstant())) {
        notAfter = root.getNotAfter().toInstant();
      }
      X509v3CertificateBuilder builder =
          new X509v3CertificateBuilder(
              X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
              LeafIssuer.serial(ctx.random),
              Date.from(notBefore),
              Date.from(notAfter),
              holder.getSubject(),
              holder.getSubjectPublicKeyInfo());
      for (Object oid : holder.getExtensionOIDs()) {
        ASN1ObjectIdentifier id = (ASN1ObjectIdentifier) oid;
        if (!id.equals(Extension.authorityKeyIdentifier)
            && !id.equals(Extension.cRLDistributionPoints)) {
          builder.copyAndAddExtension(id, holder.getExtension(id).isCritical(), holder);
        }
      }
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root));
      builder.addExtension(
          Extension.cRLDistributionPoints,
          false,
          LeafIssuer.crlDistributionPoint(ctx.config.crlBaseUrl() + rootCrlName + ".crl"));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  Signers.signer(
                      KeyType.of(root.getPublicKey()).signatureAlgorithm(),
                      rootKey,
                      SigningProvider.JDK,
                      ctx.random)));
    } catch (IOException | CertificateException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("re-certifying an intermediate failed", e);
    }
  }

  /**
   * When the last certificate issued through the previous root expires, as recorded at activation;
   * for a rollover activated before that was recorded, the activation plus the longest leaf
   * lifetime of the areas.
   */
  private Instant retirableAfter(RootGenerations generations) throws PortcullisException {
    String where = store.rolloverFile().toString();
    if (generations.previousValidUntil() != null) {
      return CaContext.instant(generations.previousValidUntil(), where);
    }
    return CaContext.instant(generations.activatedAt(), where)
        .plus(longestLeafLifetime(store.areas()));
  }

  private static Duration longestLeafLifetime(List<AreaRecord> areas) {
    Duration longest = Duration.ZERO;
    for (AreaRecord area : areas) {
      Duration lifetime = Duration.ofSeconds(area.maxLeafLifetimeSeconds());
      if (!area.retired() && lifetime.compareTo(longest) > 0) {
        longest = lifetime;
      }
    }
    return longest;
  }

  private static void requireKeyOf(RootKey key, X509Certificate root) throws PortcullisException {
    if (key == null) {
      throw CaMessage.ROOT_KEY_NEEDED.exception(root.getSubjectX500Principal().getName());
    }
    if (!Arrays.equals(
        key.certificate().getPublicKey().getEncoded(), root.getPublicKey().getEncoded())) {
      throw CaMessage.KEY_UNUSABLE.exception(
          key.description(), "it is not the key of " + root.getSubjectX500Principal().getName());
    }
  }

  /** For messages: what state the rollover is in. */
  static String describe(RootGenerations generations) {
    if (generations.next() != null) {
      return "root generation " + generations.next() + " is published, not yet active";
    }
    if (generations.previous() != null) {
      return "root generation " + generations.previous() + " is still trusted";
    }
    return "root generation " + generations.active() + " alone";
  }

  /** The root certificate of live generation {@code generation}. */
  static X509Certificate rootCertificate(CaStore store, RootGenerations generations, int generation)
      throws PortcullisException {
    // Generation files are written from the first rollover on; before it, the first root is only
    // root/root.pem.
    var file = store.rootCertFile(generation);
    return store.certificate(
        Files.exists(file) || generation != generations.active() ? file : store.rootCertFile());
  }

  /** The live generation whose root {@code key} is; {@code PRTC0406E} when none. */
  static int generationOf(CaStore store, RootGenerations generations, RootKey key)
      throws PortcullisException {
    for (int generation : generations.live()) {
      if (Arrays.equals(
          key.certificate().getPublicKey().getEncoded(),
          rootCertificate(store, generations, generation).getPublicKey().getEncoded())) {
        return generation;
      }
    }
    throw CaMessage.KEY_UNUSABLE.exception(
        key.description(), "it is not the key of a root of this CA");
  }

  /** The root certificates of the live generations, oldest first: what anchors.pem holds. */
  static List<X509Certificate> liveRoots(CaStore store, RootGenerations generations)
      throws PortcullisException {
    List<X509Certificate> roots = new ArrayList<>();
    for (int generation : generations.live()) {
      roots.add(rootCertificate(store, generations, generation));
    }
    return roots;
  }

  static void publishAnchors(CaStore store, RootGenerations generations)
      throws PortcullisException {
    store.writeText(
        store.anchorsFile(), Pem.encode(liveRoots(store, generations).toArray()), false);
  }

  static void publishIntermediates(CaStore store, RootGenerations generations)
      throws PortcullisException {
    for (AreaRecord area : store.areas()) {
      List<Object> intermediates = new ArrayList<>();
      for (int generation : generations.live()) {
        var file = store.areaCertFile(area.name(), generation);
        if (!Files.exists(file) && generation == generations.active()) {
          file = store.areaCertFile(area.name());
        }
        // An area created after the activation has no intermediate under the previous root.
        if (Files.exists(file)) {
          intermediates.add(store.certificate(file));
        }
      }
      store.writeText(store.areaCertsFile(area.name()), Pem.encode(intermediates.toArray()), false);
    }
  }

  /** Rewrites {@code crl/roots.pem} from the live roots' published CRLs. */
  static void publishRootCrls(CaStore store, RootGenerations generations)
      throws PortcullisException {
    List<Object> crls = new ArrayList<>();
    for (int generation : generations.live()) {
      var file = store.crlFile(CaStore.rootCrlName(generation));
      if (Files.exists(file)) {
        try {
          crls.add(
              CertificateFactory.getInstance("X.509")
                  .generateCRL(new ByteArrayInputStream(Files.readAllBytes(file))));
        } catch (IOException | CertificateException | CRLException e) {
          throw CaMessage.STATE_UNREADABLE.causedBy(e, file, e.getMessage());
        }
      }
    }
    store.writeText(store.rootCrlsFile(), Pem.encode(crls.toArray()), false);
  }
}
