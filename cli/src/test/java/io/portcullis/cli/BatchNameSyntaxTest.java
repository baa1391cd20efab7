package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.NameConstraintCases;
import io.portcullis.testing.NameConstraintCases.Case;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
    Path batch = dir.resolve("names.jsonl");
    Files.write(batch, lines);

    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PortcullisCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute("verify", "--batch", batch.toString())).isZero();

    String[] results = out.toString().split("\n");
    assertThat(results).hasSize(cases.size());
    List<String> wrong = new ArrayList<>();
    for (String result : results) {
      JsonNode node = JSON.readTree(result);
      Case c = cases.get(node.get("id").asInt());
      String reason = node.path("reason").asText();
      String got = node.get("result").asText().equals("ACCEPT") ? "" : reason.split(":")[0];
      if (!got.equals(c.id())) {
        wrong.add(c + " but got " + (got.isEmpty() ? "ACCEPT" : reason));
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
