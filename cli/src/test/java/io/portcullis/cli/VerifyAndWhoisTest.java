package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyAndWhoisTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestPki.Ca ROOT = TestPki.root("CN=Root");
  private static final TestPki.Ca AREA = ROOT.intermediate("CN=Area");
  private static final TestPki.Leaf CLIENT =
      AREA.issue("CN=api")
          .uriSan("spiffe://corp/api")
          .dnsSan("api.example.com")
          .ipSan("10.0.0.7")
          .clientAuth()
          .serverAuth()
          .issueLeaf();

  @TempDir Path dir;

  private static ObjectNode line(String id, TestPki.Leaf leaf) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    node.putArray("trustAnchors").add(TestPki.pem(ROOT.certificate()));
    node.putArray("intermediates").add(TestPki.pem(AREA.certificate()));
    node.put("leaf", TestPki.pem(leaf.certificate()));
    node.putNull("time");
    node.put("purpose", "client");
    node.putNull("peerName");
    node.putNull("maxChainDepth");
    node.putArray("crls");
    return node;
  }

  private static JsonNode verify(BatchVerifier verifier, ObjectNode line) throws Exception {
    return JSON.readTree(verifier.verify(line.toString(), 1));
  }

  @Test
  void acceptsAndRejectsWithReasonIds() throws Exception {
    BatchVerifier standards = BatchVerifier.standards();
    JsonNode ok = verify(standards, line("a", CLIENT));
    assertThat(ok.get("id").asText()).isEqualTo("a");
    assertThat(ok.get("result").asText()).isEqualTo("ACCEPT");

    ObjectNode foreign =
        line("b", TestPki.root("CN=X").intermediate("CN=Y").issue("CN=z").clientAuth().issueLeaf());
    assertThat(verify(standards, foreign).get("reason").asText()).startsWith("PRTC0105E");

    ObjectNode future = line("c", CLIENT);
    future.put("time", Instant.now().plus(Duration.ofDays(30)).toString());
    assertThat(verify(standards, future).get("reason").asText()).startsWith("PRTC0103E");

    ObjectNode serverOnly = line("d", AREA.issue("CN=s").serverAuth().issueLeaf());
    assertThat(verify(standards, serverOnly).get("reason").asText()).startsWith("PRTC0106E");
    serverOnly.put("purpose", "server");
    assertThat(verify(standards, serverOnly).get("result").asText()).isEqualTo("ACCEPT");

    ObjectNode shallow = line("e", CLIENT);
    shallow.put("maxChainDepth", 0);
    assertThat(verify(standards, shallow).get("reason").asText()).startsWith("PRTC0109E");

    ObjectNode revoked = line("f", CLIENT);
    revoked.putArray("crls").add(TestPki.pem(AREA.crl(CLIENT.certificate().getSerialNumber())));
    assertThat(verify(standards, revoked).get("reason").asText()).startsWith("PRTC0118E");

    // A CRL outside the profile is not skipped (soft-fail would read that as "not revoked").
    Instant now = Instant.now();
    ObjectNode unnumbered = line("g", CLIENT);
    unnumbered
        .putArray("crls")
        .add(
            TestPki.pem(
                AREA.crl(
                    now.minusSeconds(60),
                    now.plusSeconds(3600),
                    (Boolean) null,
                    CLIENT.certificate().getSerialNumber())));
    assertThat(verify(standards, unnumbered).get("reason").asText()).startsWith("PRTC0152E");
  }

  @Test
  void nameChecks() throws Exception {
    BatchVerifier standards = BatchVerifier.standards();
    String[][] cases = {
      {"dns", "api.example.com", "ACCEPT"},
      {"dns", "API.Example.com", "ACCEPT"},
      {"dns", "other.example.com", "REJECT"},
      {"ip", "10.0.0.7", "ACCEPT"},
      {"ip", "10.0.0.8", "REJECT"},
      {"email", "api@example.com", "REJECT"},
    };
    for (String[] c : cases) {
      ObjectNode node = line(c[1], CLIENT);
      node.putObject("peerName").put("kind", c[0]).put("value", c[1]);
      assertThat(verify(standards, node).get("result").asText())
          .as(c[0] + " " + c[1])
          .isEqualTo(c[2]);
    }
  }

  @Test
  void badLinesAreRejectedNotFatal() throws Exception {
    BatchVerifier standards = BatchVerifier.standards();
    assertThat(standards.verify("{not json", 1)).contains("\"REJECT\"").contains("PRTC0720E");
    assertThat(standards.verify("[1,2]", 2)).contains("PRTC0720E");
    ObjectNode noLeaf = line("x", CLIENT);
    noLeaf.remove("leaf");
    assertThat(verify(standards, noLeaf).get("reason").asText()).startsWith("PRTC0721E");
    ObjectNode badPem = line("y", CLIENT);
    badPem.put("leaf", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThat(verify(standards, badPem).get("reason").asText()).startsWith("PRTC0722E");
    ObjectNode badPurpose = line("z", CLIENT);
    badPurpose.put("purpose", "email");
    assertThat(verify(standards, badPurpose).get("reason").asText()).startsWith("PRTC0721E");
    ObjectNode badTime = line("t", CLIENT);
    badTime.put("time", "yesterday");
    assertThat(verify(standards, badTime).get("id").asText()).isEqualTo("t");
    Random random = new Random(7);
    String good = line("m", CLIENT).toString();
    for (int i = 0; i < 300; i++) {
      char[] chars = good.toCharArray();
      for (int j = 0; j < 3; j++) {
        chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
      }
      JsonNode out = JSON.readTree(standards.verify(new String(chars), i));
      assertThat(out.get("result").asText()).isIn("ACCEPT", "REJECT");
    }
  }

  @Test
  void commandWritesOneLinePerInputInOrderAndAppliesPolicy() throws Exception {
    TestPki.Leaf longLived =
        AREA.issue("CN=long")
            .clientAuth()
            .validity(
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(200)))
            .issueLeaf();
    Path batch = dir.resolve("in.jsonl");
    Files.write(
        batch,
        List.of(line("1", CLIENT).toString(), "garbage", "", line("3", longLived).toString()));
    String[] out = run("verify", "--batch", batch.toString()).split("\n");
    assertThat(out).hasSize(3);
    assertThat(JSON.readTree(out[0]).get("result").asText()).isEqualTo("ACCEPT");
    assertThat(JSON.readTree(out[1]).get("result").asText()).isEqualTo("REJECT");
    assertThat(JSON.readTree(out[2]).get("result").asText()).isEqualTo("ACCEPT");

    Path policy = dir.resolve("policy.properties");
    Files.writeString(policy, "portcullis.policy.maxLeafLifetime=90d\n");
    String[] withPolicy =
        run("verify", "--batch", batch.toString(), "--policy", policy.toString()).split("\n");
    assertThat(JSON.readTree(withPolicy[0]).get("result").asText()).isEqualTo("ACCEPT");
    assertThat(JSON.readTree(withPolicy[2]).get("reason").asText()).startsWith("PRTC0111E");
  }

  @Test
  void whoisShowsIdentityTrustRulesAndRoles() throws Exception {
    Files.writeString(dir.resolve("root.pem"), TestPki.pem(ROOT.certificate()));
    Path rules = dir.resolve("rules.properties");
    Files.writeString(
        rules,
        String.join(
            "\n",
            "portcullis.area.payments.anchors=root.pem",
            "portcullis.rule.api.attribute=uriSan",
            "portcullis.rule.api.match=glob",
            "portcullis.rule.api.pattern=spiffe://corp/*",
            "portcullis.rule.api.groups=reader,writer"));
    Path cert = dir.resolve("cert.pem");
    Files.writeString(cert, TestPki.pem(CLIENT.chain().toArray()));
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PortcullisCommand());
    cli.setOut(new PrintWriter(out));
    int code = cli.execute("whois", cert.toString(), "--config", rules.toString());
    assertThat(out.toString())
        .contains("principal:  spiffe://corp/api")
        .contains("ACCEPT (area payments)")
        .contains("matched     api")
        .contains("[reader, writer]")
        .contains("AUTHENTICATED");
    assertThat(code).isZero();
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PortcullisCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    int code = cli.execute(args);
    assertThat(code).isZero();
    return out.toString();
  }
}
