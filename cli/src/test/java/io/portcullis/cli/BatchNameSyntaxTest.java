package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.NameConstraintCases;
import io.portcullis.testing.NameConstraintCases.Case;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link NameConstraintCases} through {@code portcullis verify --batch}, as an outside corpus runs
 * it: the same ID for every case as the trust core gives, including certificates the JDK refuses to
 * parse because of the name in them.
 */
class BatchNameSyntaxTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void batchVerifyGivesEachNameCaseItsId() throws IOException {
    List<Case> cases = NameConstraintCases.cases().toList();
    List<String> lines = new ArrayList<>();
    for (int n = 0; n < cases.size(); n++) {
      NameConstraintCases.Fixture pki = NameConstraintCases.build(cases.get(n));
      ObjectNode line = JSON.createObjectNode();
      line.put("id", String.valueOf(n));
      line.putArray("trustAnchors").add(TestPki.pem(pki.root()));
      line.putArray("intermediates").add(TestPki.pem(pki.intermediate()));
      line.put("leaf", pem(pki.leafDer()));
      line.put("purpose", "client");
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

  private static String pem(byte[] der) {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject("CERTIFICATE", der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
