package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.TestPki;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code portcullis verify --batch} on lines, as an outside corpus runs it. */
final class BatchRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchRun() {}

  /**
   * One input line: a chain to {@code anchor} for {@code purpose} ({@code client}, {@code server}).
   */
  static ObjectNode line(
      String id,
      X509Certificate anchor,
      List<X509Certificate> intermediates,
      X509Certificate leaf,
      String purpose) {
    ObjectNode line = JSON.createObjectNode();
    line.put("id", id);
    line.putArray("trustAnchors").add(TestPki.pem(anchor));
    ArrayNode chain = line.putArray("intermediates");
    for (X509Certificate intermediate : intermediates) {
      chain.add(TestPki.pem(intermediate));
    }
    line.put("leaf", TestPki.pem(leaf));
    line.put("purpose", purpose);
    return line;
  }

  /**
   * The answer to each line, in input order: the empty string for ACCEPT, else the reason's message
   * ID.
   */
  static List<String> ids(Path dir, List<String> lines, String... options) throws IOException {
    Path batch = dir.resolve("batch.jsonl");
    Files.write(batch, lines);
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PortcullisCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    List<String> args = new ArrayList<>(List.of("verify", "--batch", batch.toString()));
    args.addAll(List.of(options));
    assertThat(cli.execute(args.toArray(new String[0]))).isZero();
    String[] results = out.toString().split("\n");
    assertThat(results).hasSize(lines.size());
    List<String> ids = new ArrayList<>();
    for (String result : results) {
      JsonNode node = JSON.readTree(result);
      ids.add(
          node.get("result").asText().equals("ACCEPT")
              ? ""
              : node.path("reason").asText().split(":")[0]);
    }
    return ids;
  }
}
