package io.portcullis.acme;

import io.portcullis.messages.CatalogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The ACME issuer's messages live in its own bundle, named, complete and documented. */
class AcmeMessagesTest {
  @Test
  void theAcmeCatalogIsCompleteAndNamed() throws Exception {
    CatalogContract.check(AcmeMessage.messages(), AcmeMessage.values(), Path.of("src/main/java"));
  }
}
