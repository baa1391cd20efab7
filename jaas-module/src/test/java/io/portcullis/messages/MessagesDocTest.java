package io.portcullis.messages;

import org.junit.jupiter.api.Test;

/** Every core message ID has an explanation, a user action and a section in docs. */
class MessagesDocTest {

  @Test
  void everyCoreIdIsCompleteAndDocumented() throws Exception {
    // The core's IDs are not named yet (see issue 10, step 4): no names, no source scan.
    MessageId[] named =
        Messages.CORE.ids().stream().map(MessagesDocTest::literal).toArray(MessageId[]::new);
    CatalogContract.check(Messages.CORE, named);
  }

  private static MessageId literal(String id) {
    return new MessageId() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public MessageCatalog catalog() {
        return Messages.CORE;
      }
    };
  }
}
