package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.ProfileCases;
import io.portcullis.testing.ProfileCases.Case;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ProfileCases} through {@code portcullis verify --batch} without a policy: the RFC 5280
 * profile and the universal floors give the same ID for every case as the trust core does.
 */
class BatchProfileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void batchVerifyGivesEachProfileCaseItsId() throws IOException {
    List<Case> cases = ProfileCases.cases();
    List<String> lines = new ArrayList<>();
    for (Case c : cases) {
      ObjectNode line = BatchRun.line(c.name(), c.anchor(), c.intermediates(), c.leaf(), "client");
      if (c.maxChainDepth() != null) {
        line.put("maxChainDepth", c.maxChainDepth());
      }
      lines.add(line.toString());
    }
    List<String> ids = BatchRun.ids(dir, lines);
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < cases.size(); n++) {
      if (!ids.get(n).equals(cases.get(n).id())) {
        wrong.add(cases.get(n) + " but got " + (ids.get(n).isEmpty() ? "ACCEPT" : ids.get(n)));
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void batchVerifyTriesAnotherPathWhenTheFirstFailsAPortcullisCheck() throws IOException {
    // RFC 5280 6.1: is there a valid path? The presented one validates for the JDK and fails the
    // CA EKU check (PRTC0151E); the CA's key is also an anchor without that limit.
    TestPki.Ca root = TestPki.root("CN=Batch Alternate Root");
    java.security.KeyPair keys = TestPki.ecKeyPair();
    TestPki.Ca serverOnly = root.intermediate("CN=Batch Alternate CA", keys, b -> b.serverAuth());
    TestPki.Ca unlimited = root.intermediate("CN=Batch Alternate CA", keys, b -> {});
    X509Certificate leaf =
        unlimited.issue("CN=leaf").uriSan("spiffe://alt.example/leaf").clientAuth().build();
    ObjectNode line = JSON.createObjectNode();
    line.put("id", "alternate");
    line.putArray("trustAnchors")
        .add(TestPki.pem(root.certificate()))
        .add(TestPki.pem(unlimited.certificate()));
    line.putArray("intermediates").add(TestPki.pem(serverOnly.certificate()));
    line.put("leaf", TestPki.pem(leaf));
    line.put("purpose", "client");
    ObjectNode alone = line.deepCopy();
    alone.put("id", "alone");
    alone.putArray("trustAnchors").add(TestPki.pem(root.certificate()));
    assertThat(BatchRun.ids(dir, List.of(line.toString(), alone.toString())))
        .containsExactly("", "PRTC0151E");
  }
}
