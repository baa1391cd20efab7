package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.ca.Lineage;
import io.portcullis.ca.Pem;
import io.portcullis.config.ConfigParser;
import io.portcullis.config.ServerXmlFlattener;
import io.portcullis.keys.Csr;
import io.portcullis.keys.KeyType;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The documented CLI flow (docs/ca.md), run in-process. */
class CaCommandTest {
  static final String API = "spiffe://corp.example/payments/api";

  @TempDir Path temp;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of("ca"));
    all.add(args[0]);
    all.addAll(List.of("--dir", temp.resolve("ca").toString(), "--operator", "alice"));
    all.addAll(List.of(args).subList(1, args.length));
    if (args[0].equals("area") || args[0].equals("root") || args[0].equals("audit")) {
      all =
          new ArrayList<>(List.of("ca", args[0], args[1], "--dir", temp.resolve("ca").toString()));
      all.addAll(List.of("--operator", "alice"));
      all.addAll(List.of(args).subList(2, args.length));
    }
    return new CommandLine(new PortcullisCommand())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(all.toArray(new String[0]));
  }

  /** Writes a secret the way an operator must: readable by its owner alone. */
  static Path secretFile(Path file, String secret) throws Exception {
    Files.writeString(file, secret);
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /**
   * {@code ca init} of the CA "Corp" with its root key on a temp "USB stick"; the root key options.
   */
  private String[] initCa() throws Exception {
    Path offline = Files.createDirectories(temp.resolve("usb"));
    Path passphrase = offline.resolve("passphrase");
    secretFile(passphrase, "a long ceremony passphrase\n");
    String[] rootKey = {
      "--root-key", offline.resolve("root.p12").toString(),
      "--root-passphrase-file", passphrase.toString()
    };
    assertThat(
            run(
                concat(
                    new String[] {"init", "--name", "Corp", "--trust-domain", "corp.example"},
                    rootKey)))
        .as(err.toString())
        .isZero();
    return rootKey;
  }

  @Test
  void theDocumentedFlowWorksFromTheCli() throws Exception {
    String[] rootKey = initCa();
    assertThat(out.toString()).contains("PRTC0450I");

    // The root key absent: the ceremony step says so.
    assertThat(
            run(
                "area",
                "create",
                "payments",
                "--uri-prefix",
                "spiffe://corp.example/payments/",
                "--dns",
                "payments.corp.example",
                "--max-lifetime",
                "7d"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0405E", "offline root key");
    assertThat(
            run(
                concat(
                    new String[] {
                      "area",
                      "create",
                      "payments",
                      "--uri-prefix",
                      "spiffe://corp.example/payments/",
                      "--dns",
                      "payments.corp.example",
                      "--max-lifetime",
                      "7d"
                    },
                    rootKey)))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("PRTC0451I");
    assertThat(run("area", "list")).isZero();
    assertThat(out.toString()).contains("payments", "live");
    // The settings that trust the area, as the parser reads them: its scope, its CRL and the
    // root's (published at init and at area creation), so the intermediate is checked too.
    TrustArea area = printedArea();
    assertThat(area.name()).isEqualTo("payments");
    assertThat(area.intermediates()).hasSize(1);
    assertThat(area.scope().spiffePrefixes())
        .extracting(Object::toString)
        .containsExactly("spiffe://corp.example/payments");
    assertThat(area.scope().dnsSubtrees()).containsExactly("payments.corp.example");
    assertThat(area.revocation().mode()).isEqualTo(RevocationMode.HARD_FAIL);
    assertThat(area.revocation().leafOnly())
        .as("intermediates checked against the root CRL")
        .isFalse();
    Files.delete(temp.resolve("ca/crl/payments.crl"));
    assertThat(printedArea().revocation().mode()).isEqualTo(RevocationMode.OFF);
    assertThat(err.toString()).contains("no CRL for area payments", "portcullis ca crl");
    assertThat(run("crl")).as(err.toString()).isZero();

    Path tokenFile = temp.resolve("api.token");
    assertThat(
            run(
                "register",
                "--area",
                "payments",
                "--spiffe-id",
                API,
                "--dns",
                "api.payments.corp.example",
                "--max-lifetime",
                "24h",
                "--approved-by",
                "bob",
                "--token-out",
                tokenFile.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString())
        .contains("PRTC0452I")
        .doesNotContain(Files.readString(tokenFile).trim());

    SecureRandom random = new SecureRandom();
    KeyPair first = KeyType.P256.generate(random);
    Path csr = temp.resolve("api.csr");
    Files.writeString(csr, Pem.encode(Csr.create(first, API, List.of()).request()));
    Path cert1 = temp.resolve("api-1.pem");
    assertThat(
            run(
                "issue",
                "--csr",
                csr.toString(),
                "--token-file",
                tokenFile.toString(),
                "--out",
                cert1.toString()))
        .as(err.toString())
        .isZero();
    assertThat(
            run(
                "issue",
                "--csr",
                csr.toString(),
                "--token-file",
                tokenFile.toString(),
                "--out",
                cert1.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0419E");

    Path key1 = temp.resolve("api-1.key");
    Files.writeString(key1, Pem.encode(first.getPrivate()));
    KeyPair second = KeyType.P256.generate(random);
    Path csr2 = temp.resolve("api-2.csr");
    Files.writeString(csr2, Pem.encode(Csr.create(second, API, List.of()).request()));
    Path cert2 = temp.resolve("api-2.pem");
    assertThat(
            run(
                "renew",
                "--cert",
                cert1.toString(),
                "--key",
                key1.toString(),
                "--csr",
                csr2.toString(),
                "--out",
                cert2.toString()))
        .as(err.toString())
        .isZero();
    X509Certificate renewed = Pem.certificates(Files.readString(cert2)).get(0);
    assertThat(Lineage.previousSha256(renewed)).isPresent();

    assertThat(run("lineage", cert2.toString())).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains(
            "registered  " + API, "approvedBy=bob", "issued", "renewed", "audit       agrees");
    // Found by review: the registration edited (approvedBy changed), and ca lineage said nothing.
    Path registration;
    try (var files = Files.list(temp.resolve("ca/workloads"))) {
      registration = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
    }
    String original = Files.readString(registration);
    Files.writeString(registration, original.replace("\"bob\"", "\"carol\""));
    assertThat(run("lineage", cert2.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0440E", "approvedBy=carol", "approvedBy=bob");
    Files.writeString(registration, original);

    assertThat(run("revoke", renewed.getSerialNumber().toString(16), "--reason", "keyCompromise"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("PRTC0454I");
    assertThat(Files.exists(temp.resolve("ca/crl/payments.crl"))).isTrue();
    assertThat(run("crl")).isZero();
    assertThat(run("status")).isZero();
    assertThat(out.toString()).contains("PRTC0458W"); // the test left the key "online"

    assertThat(run("area", "retire", "payments")).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0405E");
    assertThat(run(concat(new String[] {"area", "retire", "payments"}, rootKey))).isZero();
    assertThat(out.toString()).contains("PRTC0455I");
    assertThat(run(concat(new String[] {"crl", "--root"}, rootKey))).as(err.toString()).isZero();
    assertThat(Files.readAllLines(temp.resolve("ca/audit.jsonl")))
        .anySatisfy(l -> assertThat(l).contains("\"event\":\"area-retire\""));
  }

  @Test
  void issueWritesANewKeyAndItsChainToAPkcs12KeySourceReadyToRenew() throws Exception {
    String[] rootKey = initCa();
    assertThat(
            run(
                concat(
                    new String[] {
                      "area",
                      "create",
                      "web",
                      "--uri-prefix",
                      "spiffe://corp.example/web/",
                      "--max-lifetime",
                      "1h"
                    },
                    rootKey)))
        .as(err.toString())
        .isZero();
    Path tokenFile = temp.resolve("web.token");
    assertThat(
            run(
                "register",
                "--area",
                "web",
                "--spiffe-id",
                "spiffe://corp.example/web/https",
                "--max-lifetime",
                "10m",
                "--approved-by",
                "bob",
                "--token-out",
                tokenFile.toString()))
        .as(err.toString())
        .isZero();
    Path p12 = temp.resolve("keys/server.p12");
    Files.createDirectories(p12.getParent());
    Path password = temp.resolve("p12.password");
    secretFile(password, "p12-secret\n");

    // neither or both of --csr and --new-pkcs12: refused before anything is issued
    assertThat(run("issue", "--token-file", tokenFile.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E", "exactly one");
    assertThat(run("issue", "--token-file", tokenFile.toString(), "--new-pkcs12", p12.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E", "password");
    assertThat(p12).doesNotExist();

    assertThat(
            run(
                "issue",
                "--token-file",
                tokenFile.toString(),
                "--new-pkcs12",
                p12.toString(),
                "--pkcs12-password-file",
                password.toString(),
                "--lifetime",
                "5m"))
        .as(err.toString())
        .isZero();

    assertThat(Files.getPosixFilePermissions(p12))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    io.portcullis.keys.KeyMaterial served =
        io.portcullis.keys.KeySource.of(
                io.portcullis.keys.KeySourceConfig.fromMap(
                    java.util.Map.of(
                        "type",
                        "pkcs12",
                        "file",
                        p12.toString(),
                        "password",
                        "p12-secret",
                        "alias",
                        "server")))
            .load();
    assertThat(served.chain()).hasSize(2);
    assertThat(
            java.time.Duration.between(
                served.certificate().getNotBefore().toInstant(),
                served.certificate().getNotAfter().toInstant()))
        .isEqualTo(java.time.Duration.ofMinutes(5));
  }

  @Test
  void serveRefusesLimitsThatWouldLeaveItOpenBeforeTouchingAnything() {
    String[] tls = {"--tls-cert", "absent.pem", "--tls-key", "absent.key"};
    assertThat(run(concat(new String[] {"serve", "--request-timeout", "0s"}, tls))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E", "--request-timeout");
    assertThat(run(concat(new String[] {"serve", "--refusals-per-minute", "0"}, tls))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E", "--refusals-per-minute");
    assertThat(temp.resolve("ca")).doesNotExist();
  }

  @Test
  void aRootRolloverFromTheCliMovesThePrintedTrustWithoutChangingIt() throws Exception {
    String[] rootKey = initCa();
    assertThat(
            run(
                concat(
                    new String[] {
                      "area",
                      "create",
                      "payments",
                      "--uri-prefix",
                      "spiffe://corp.example/payments/",
                      "--max-lifetime",
                      "1d"
                    },
                    rootKey)))
        .as(err.toString())
        .isZero();
    TrustArea before = printedArea();
    assertThat(before.anchors()).hasSize(1);
    String printed = out.toString();

    Path passphrase = temp.resolve("usb/next-passphrase");
    secretFile(passphrase, "another long ceremony passphrase\n");
    String[] nextKey = {
      "--root-key", temp.resolve("usb/root-g2.p12").toString(),
      "--root-passphrase-file", passphrase.toString()
    };
    String[] createNextKey = {
      "--next-root-key", temp.resolve("usb/root-g2.p12").toString(),
      "--next-root-passphrase-file", passphrase.toString()
    };
    // Without the current root key, or without a place for the next one: nothing happens.
    assertThat(run(concat(new String[] {"root", "next"}, createNextKey))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0405E");
    assertThat(run(concat(new String[] {"root", "next"}, rootKey))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E", "--next-root-key");
    assertThat(temp.resolve("usb/root-g2.p12")).doesNotExist();

    assertThat(run(concat(concat(new String[] {"root", "next"}, rootKey), createNextKey)))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("PRTC0466I", "Root CA G2", "[payments]");
    assertThat(run("status")).isZero();
    assertThat(out.toString())
        .contains("root generation 2 is published, not yet active")
        .containsPattern("trusted +CN=Corp Root CA,")
        .containsPattern("trusted +CN=Corp Root CA G2,");
    TrustArea overlap = printedArea();
    // The same server.xml, now trusting both roots and both intermediates.
    assertThat(out.toString()).isEqualTo(printed);
    assertThat(overlap.anchors()).hasSize(2).contains(before.anchors().get(0));
    assertThat(overlap.intermediates()).hasSize(2);

    // A workload's certificate issued through the first root, so that root stays in use.
    Path tokenFile = temp.resolve("api.token");
    Path password = temp.resolve("api.password");
    secretFile(password, "p12-secret\n");
    assertThat(
            run(
                "register",
                "--area",
                "payments",
                "--spiffe-id",
                "spiffe://corp.example/payments/api",
                "--max-lifetime",
                "1h",
                "--approved-by",
                "bob",
                "--token-out",
                tokenFile.toString()))
        .as(err.toString())
        .isZero();
    assertThat(
            run(
                "issue",
                "--token-file",
                tokenFile.toString(),
                "--new-pkcs12",
                temp.resolve("api.p12").toString(),
                "--pkcs12-password-file",
                password.toString()))
        .as(err.toString())
        .isZero();

    assertThat(run(concat(new String[] {"root", "activate"}, rootKey))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0406E");
    assertThat(run(concat(new String[] {"root", "activate"}, nextKey))).as(err.toString()).isZero();
    assertThat(out.toString()).contains("PRTC0467I", "Root CA G2");
    assertThat(run("root", "retire-previous")).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0465E");
    assertThat(run("root", "retire-previous", "--force")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("PRTC0468I", "CN=Corp Root CA,");
    TrustArea after = printedArea();
    assertThat(out.toString()).isEqualTo(printed);
    assertThat(after.anchors()).containsExactly(overlap.anchors().get(1));
    assertThat(after.intermediates()).containsExactly(overlap.intermediates().get(1));
    assertThat(Files.readString(temp.resolve("ca/audit.jsonl")))
        .contains("root-next", "root-activate", "root-retire", "forced before");
  }

  private TrustArea printedArea() throws Exception {
    assertThat(run("area", "server-xml")).as(err.toString()).isZero();
    Path serverXml = temp.resolve("server.xml");
    Files.writeString(serverXml, "<server><usr_portcullis>" + out + "</usr_portcullis></server>");
    List<TrustArea> areas =
        ConfigParser.parse(ServerXmlFlattener.flatten(serverXml), temp, Clock.systemUTC()).areas();
    assertThat(areas).hasSize(1);
    return areas.get(0);
  }

  static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void secretsAreRefusedOnTheCommandLineInOpenFilesAndTooShortForARootKey() throws Exception {
    // Found by review: a 0644 passphrase file, a one-character root passphrase and a join token in
    // argv (visible in ps) were all accepted.
    Path offline = Files.createDirectories(temp.resolve("usb-weak"));
    Path open = offline.resolve("passphrase");
    Files.writeString(open, "a long ceremony passphrase\n");
    Files.setPosixFilePermissions(
        open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    String[] init = {"init", "--name", "Corp", "--trust-domain", "corp.example"};
    String[] openKey = {
      "--root-key",
      offline.resolve("root.p12").toString(),
      "--root-passphrase-file",
      open.toString()
    };
    assertThat(run(concat(init, openKey))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0436E", "rw-r--r--").doesNotContain("ceremony");
    assertThat(offline.resolve("root.p12")).doesNotExist();

    Path weak = secretFile(offline.resolve("weak"), "x\n");
    String[] weakKey = {
      "--root-key",
      offline.resolve("root.p12").toString(),
      "--root-passphrase-file",
      weak.toString()
    };
    assertThat(run(concat(init, weakKey))).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0437E");
    assertThat(offline.resolve("root.p12")).doesNotExist();

    assertThat(run("issue", "--token", "joinTokenSecret", "--csr", "x.csr", "--out", "x.pem"))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("PRTC0439E", "--token-file")
        .doesNotContain("joinTokenSecret");
  }

  @Test
  void aTamperedAuditLogFailsStatusAndVerify() throws Exception {
    // Found by review: audit lines deleted or changed, and ca status still said nothing.
    initCa();
    assertThat(run("status")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("intact");
    assertThat(run("audit", "verify")).isZero();
    Path audit = temp.resolve("ca/audit.jsonl");
    List<String> lines = Files.readAllLines(audit);
    lines.set(0, lines.get(0).replace("\"alice\"", "\"mallory\""));
    Files.write(audit, lines);
    assertThat(run("status")).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0440E");
    assertThat(run("audit", "verify")).isEqualTo(1);
  }

  @Test
  void aWitnessOutsideTheStateDirectoryCatchesALogCutWithItsHead() throws Exception {
    initCa();
    assertThat(run("audit", "witness", temp.resolve("ca/inside.head").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0471E", "inside the state directory");
    assertThat(run("audit", "witness", temp.resolve("gone/ca.head").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0471E", "does not exist");

    Path share = Files.createDirectories(temp.resolve("share"));
    Path witness = share.resolve("ca.head");
    assertThat(run("audit", "witness", witness.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("witness     " + witness, "intact");
    assertThat(run("audit", "verify", "--witness", witness.toString())).isZero();
    String head = Files.readString(witness).strip();
    assertThat(run("audit", "verify", "--head", head)).isZero();

    // Cut the log to its first entry and make the head match, as one who holds the directory can;
    // and stop naming the witness. The chain alone holds; the runbook's witness and head do not.
    Path audit = temp.resolve("ca/audit.jsonl");
    String first = Files.readAllLines(audit).get(0);
    Files.writeString(audit, first + "\n");
    Files.writeString(
        temp.resolve("ca/audit.jsonl.head"),
        "1 "
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(first.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            + "\n");
    Files.delete(temp.resolve("ca/audit.jsonl.witness"));
    assertThat(run("audit", "verify")).isZero();
    assertThat(run("audit", "verify", "--witness", witness.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0440E", "holds 1 entries, the witness");
    assertThat(run("audit", "verify", "--head", head)).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0440E", "the head given");
    assertThat(run("audit", "verify", "--head", "many")).isEqualTo(1);
    assertThat(err.toString()).contains("PRTC0441E");
  }

  @Test
  void noPassphraseOrJoinTokenOfAnyShapeIsShown() throws Exception {
    String[] rootKey = initCa();
    SecureRandom random = new SecureRandom();
    Path csr = temp.resolve("api.csr");
    Files.writeString(
        csr, Pem.encode(Csr.create(KeyType.P256.generate(random), API, List.of()).request()));
    Path secret = temp.resolve("usb/shape");
    for (String shape : io.portcullis.testing.SecretShapes.all()) {
      secretFile(secret, shape);
      String[] wrongKey = rootKey.clone();
      wrongKey[3] = secret.toString();
      assertThat(
              run(
                  concat(
                      new String[] {
                        "area",
                        "create",
                        "payments",
                        "--uri-prefix",
                        "spiffe://corp.example/payments/",
                        "--max-lifetime",
                        "7d"
                      },
                      wrongKey)))
          .as(shape)
          .isEqualTo(1);
      assertThat(err.toString()).as(shape).containsAnyOf("PRTC0437E", "PRTC0406E");
      io.portcullis.testing.SecretShapes.assertHidden("root passphrase " + shape, out + "\n" + err);

      assertThat(run("issue", "--csr", csr.toString(), "--token-file", secret.toString()))
          .as(shape)
          .isEqualTo(1);
      io.portcullis.testing.SecretShapes.assertHidden("token file " + shape, out + "\n" + err);
      assertThat(run("issue", "--csr", csr.toString(), "--token", shape)).isEqualTo(1);
      io.portcullis.testing.SecretShapes.assertHidden("--token " + shape, out + "\n" + err);
    }
    io.portcullis.testing.SecretShapes.assertHidden(
        "the audit log", Files.readString(temp.resolve("ca/audit.jsonl")));
  }
}
