package io.portcullis.liberty.supply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * What the feature ships, read from the packaged files: the ESA embeds Bouncy Castle at exactly the
 * pinned version (every embedded class byte-identical to the pinned release's), and the bill of
 * materials beside it says so.
 */
class SupplyChainIT {
  private static final List<String> BC_ARTIFACTS =
      List.of("bcprov-jdk18on", "bcutil-jdk18on", "bcpkix-jdk18on");
  private static final String BUNDLE = "io.portcullis.liberty_";

  private static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property " + name + " (set by failsafe)").isNotBlank();
    return value;
  }

  @Test
  void sbomListsTheShippedComponentsWithThePinnedBouncyCastle() throws IOException {
    JsonNode bom = new ObjectMapper().readTree(Path.of(property("portcullis.sbom")).toFile());
    String pinned = property("bouncycastle.version");
    Map<String, String> versions = new HashMap<>();
    for (JsonNode component : bom.path("components")) {
      versions.put(
          component.path("group").asText() + ":" + component.path("name").asText(),
          component.path("version").asText());
    }
    for (String artifact : BC_ARTIFACTS) {
      assertThat(versions).containsEntry("org.bouncycastle:" + artifact, pinned);
    }
    assertThat(versions.entrySet())
        .filteredOn(e -> e.getKey().startsWith("org.bouncycastle:"))
        .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(pinned));
    assertThat(versions)
        .containsKeys("io.portcullis:portcullis-jaas-module", "io.portcullis:portcullis-keysource");
    // What the server provides is not shipped, so it is not in the bill.
    assertThat(versions.keySet())
        .noneMatch(key -> key.startsWith("jakarta.") || key.startsWith("io.openliberty."));
    assertThat(bom.path("metadata").path("component").path("name").asText())
        .isEqualTo("portcullis-extension");
  }

  @Test
  void esaEmbedsBouncyCastleClassesOfThePinnedReleaseOnly() throws IOException {
    Map<String, byte[]> pinnedClasses = new HashMap<>();
    String pinned = property("bouncycastle.version");
    Path repository = Path.of(property("bouncycastle.jars"));
    for (String artifact : BC_ARTIFACTS) {
      Path jar =
          repository.resolve(artifact).resolve(pinned).resolve(artifact + "-" + pinned + ".jar");
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        for (ZipEntry entry : zip.stream().toList()) {
          if (entry.getName().startsWith("org/bouncycastle/")
              && entry.getName().endsWith(".class")) {
            try (InputStream in = zip.getInputStream(entry)) {
              pinnedClasses.put(entry.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    List<String> embedded = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    try (ZipFile esa = new ZipFile(property("portcullis.esa"))) {
      ZipEntry bundle =
          esa.stream().filter(e -> e.getName().startsWith(BUNDLE)).findFirst().orElseThrow();
      try (ZipInputStream jar =
          new ZipInputStream(new ByteArrayInputStream(esa.getInputStream(bundle).readAllBytes()))) {
        for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
          if (entry.getName().startsWith("org/bouncycastle/")
              && entry.getName().endsWith(".class")) {
            embedded.add(entry.getName());
            byte[] release = pinnedClasses.get(entry.getName());
            if (release == null || !java.util.Arrays.equals(release, jar.readAllBytes())) {
              foreign.add(entry.getName());
            }
          }
        }
      }
    }
    assertThat(embedded).as("Bouncy Castle classes in the bundle").isNotEmpty();
    assertThat(foreign).as("embedded classes that differ from Bouncy Castle " + pinned).isEmpty();
  }

  @Test
  void esaEntriesCarryTheFixedBuildTime() throws IOException {
    try (ZipFile esa = new ZipFile(property("portcullis.esa"))) {
      List<Long> times = esa.stream().map(ZipEntry::getTime).distinct().toList();
      assertThat(times).hasSize(1);
    }
  }
}
