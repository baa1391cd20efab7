package io.portcullis.it;

import io.portcullis.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A second trust area, "twin", for the end-to-end server: its own root and area CA, written before
 * the server starts (resources/security/twin), because every adapter reads its areas when it
 * starts. The twin area declares no scope, so its CA may vouch for a SPIFFE ID the dev area also
 * vouches for: AdaptersIT shows the two are two callers on every adapter path.
 */
public final class TwinAreaSetup {
  static final String DIR = "resources/security/twin";

  private TwinAreaSetup() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]).resolve(DIR));
    TestPki.Ca root = TestPki.root("CN=Portcullis IT Twin Root");
    TestPki.Ca area = root.intermediate("CN=Portcullis IT Twin Area");
    Files.writeString(dir.resolve("root.pem"), TestPki.pem(root.certificate()));
    Files.writeString(dir.resolve("area.pem"), TestPki.pem(area.certificate()));
    Files.writeString(dir.resolve("area.key.pem"), TestPki.pem(area.keys().getPrivate()));
  }

  /** The twin area CA, whose key this class left beside the server so tests can mint callers. */
  static TestPki.Ca twinArea() {
    Path dir = ItServer.serverDir().resolve(DIR);
    List<java.security.cert.X509Certificate> area =
        MtlsClient.readCertificates(dir.resolve("area.pem"));
    List<java.security.cert.X509Certificate> root =
        MtlsClient.readCertificates(dir.resolve("root.pem"));
    return TestPki.existingCa(
        area.get(0), MtlsClient.readKey(dir.resolve("area.key.pem")), root.get(0));
  }
}
