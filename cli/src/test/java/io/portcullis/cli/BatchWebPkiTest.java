package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.WebPkiCases;
import io.portcullis.testing.WebPkiCases.Case;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WebPkiCases} through {@code portcullis verify --batch}: with {@code --web-pki} each case
 * gets the profile's ID, without it the standards' ID, from the same lines.
 */
class BatchWebPkiTest {
  @TempDir Path dir;

  private static List<String> lines(List<Case> cases) {
    List<String> lines = new ArrayList<>();
    for (Case c : cases) {
      lines.add(
          BatchRun.line(c.name(), c.anchor(), c.intermediates(), c.leaf(), "server").toString());
    }
    return lines;
  }

  @Test
  void theProfileIsAskedForOnTheCommandLineAndOnlyThenRefuses() throws IOException {
    List<Case> cases = WebPkiCases.cases();
    Path list = Files.write(dir.resolve("suffixes.dat"), WebPkiCases.SUFFIX_LIST);
    List<String> web =
        BatchRun.ids(dir, lines(cases), "--web-pki", "--public-suffixes", list.toString());
    List<String> standards = BatchRun.ids(dir, lines(cases));
    List<String> wrong = new ArrayList<>();
    for (int n = 0; n < cases.size(); n++) {
      Case c = cases.get(n);
      if (!web.get(n).equals(c.webId()) || !standards.get(n).equals(c.standardsId())) {
        wrong.add(c + " but got web " + web.get(n) + ", standards " + standards.get(n));
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aPolicyFileAndTheProfileTogetherHoldBoth() throws IOException {
    Case noEku =
        WebPkiCases.cases().stream()
            .filter(c -> c.name().equals("no extended key usage"))
            .findFirst()
            .orElseThrow();
    Path list = Files.write(dir.resolve("suffixes.dat"), WebPkiCases.SUFFIX_LIST);
    Path policy =
        Files.writeString(dir.resolve("policy.properties"), "portcullis.policy.requireEku=false\n");
    assertThat(
            BatchRun.ids(
                dir,
                lines(List.of(noEku)),
                "--policy",
                policy.toString(),
                "--web-pki",
                "--public-suffixes",
                list.toString()))
        .containsExactly(WebPkiCases.WEB_PROFILE);
  }

  @Test
  void aMissingSuffixListStopsTheCommandBeforeAnyLine() throws IOException {
    Path batch = Files.write(dir.resolve("batch.jsonl"), lines(WebPkiCases.cases().subList(0, 1)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cli = new picocli.CommandLine(new PortcullisCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "verify",
            "--batch",
            batch.toString(),
            "--web-pki",
            "--public-suffixes",
            dir.resolve("absent.dat").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("PRTC0163E");
    assertThat(out.toString()).isEmpty();
  }
}
