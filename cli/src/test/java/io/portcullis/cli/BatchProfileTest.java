package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
      ObjectNode line = JSON.createObjectNode();
      line.put("id", c.name());
      line.putArray("trustAnchors").add(TestPki.pem(c.anchor()));
      ArrayNode intermediates = line.putArray("intermediates");
      for (X509Certificate intermediate : c.intermediates()) {
        intermediates.add(TestPki.pem(intermediate));
      }
      line.put("leaf", TestPki.pem(c.leaf()));
      line.put("purpose", "client");
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
}
