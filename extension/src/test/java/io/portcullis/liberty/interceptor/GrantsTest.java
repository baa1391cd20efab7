package io.portcullis.liberty.interceptor;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.auth.Authentication;
import io.portcullis.auth.LibertyCredential;
import io.portcullis.identity.SpiffeId;
import io.portcullis.identity.WorkloadIdentity;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/**
 * What Liberty is handed for an accepted caller: made once per outcome, never shared between
 * requests, and never handed to another area or configuration.
 */
class GrantsTest {
  private static Authentication.Authenticated caller(String area, String... groups)
      throws Exception {
    return new Authentication.Authenticated(
        new WorkloadIdentity(
            Optional.of(SpiffeId.parse("spiffe://corp.example/orders/reader")),
            List.of("spiffe://corp.example/orders/reader"),
            List.of(),
            "CN=twin",
            area,
            BigInteger.TEN,
            Instant.EPOCH,
            Instant.EPOCH,
            "ab12"),
        Set.of(groups));
  }

  @SuppressWarnings("unchecked")
  private static Hashtable<Object, Object> hashtable(Subject subject) {
    assertThat(subject.getPublicCredentials()).hasSize(1);
    return (Hashtable<Object, Object>) subject.getPublicCredentials().iterator().next();
  }

  @Test
  void theKeyNamesTheConfigurationTheAreaAndTheCertificate() throws Exception {
    assertThat(Grants.cacheKey(7, caller("dev"))).isEqualTo("portcullis:7:dev:ab12");
    assertThat(Grants.cacheKey(7, caller("dev")))
        .isNotEqualTo(Grants.cacheKey(7, caller("twin")))
        .isNotEqualTo(Grants.cacheKey(8, caller("dev")));
  }

  @Test
  void theHashtableCarriesTheCallerTheRealmTheGroupsAndTheKey() throws Exception {
    Grants.Granted granted = new Grants("corp", 7).granted(caller("dev", "reader"));

    assertThat(granted.principal()).isEqualTo("spiffe://corp.example/orders/reader");
    assertThat(hashtable(granted.subject()))
        .containsEntry(LibertyCredential.SECURITY_NAME, "spiffe://corp.example/orders/reader")
        .containsEntry(
            LibertyCredential.UNIQUE_ID,
            LibertyCredential.uniqueId("corp", "dev", "spiffe://corp.example/orders/reader"))
        .containsEntry(LibertyCredential.REALM, "corp")
        .containsEntry(
            LibertyCredential.GROUPS, List.of(LibertyCredential.groupPrefix("corp") + "reader"))
        .containsEntry(LibertyCredential.CACHE_KEY, "portcullis:7:dev:ab12");
  }

  @Test
  void aReturningOutcomeIsAnsweredFromTheMemoAndANewOneIsMadeAfresh() throws Exception {
    Grants grants = new Grants("corp", 7);
    Authentication.Authenticated ok = caller("dev", "reader");
    Grants.Granted first = grants.granted(ok);

    assertThat(grants.granted(ok)).isSameAs(first);
    // An equal outcome that is another object (the authenticator forgot and decided again) is
    // not taken for the remembered one: its names are made again, to the same values.
    Grants.Granted again = grants.granted(caller("dev", "reader"));
    assertThat(again).isNotSameAs(first);
    assertThat(hashtable(again.subject())).isEqualTo(hashtable(first.subject()));
  }

  @Test
  void anotherAreaOrConfigurationIsNeverAnsweredWithTheseNames() throws Exception {
    Grants grants = new Grants("corp", 7);
    grants.granted(caller("dev", "reader"));

    assertThat(grants.granted(caller("twin", "reader")).credential())
        .containsEntry(LibertyCredential.CACHE_KEY, "portcullis:7:twin:ab12");
    assertThat(new Grants("corp", 8).granted(caller("dev", "reader")).credential())
        .containsEntry(LibertyCredential.CACHE_KEY, "portcullis:8:dev:ab12");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRequestGetsAHashtableOfItsOwn() throws Exception {
    Grants.Granted granted = new Grants("corp", 7).granted(caller("dev", "reader"));
    Map<Object, Object> before = Map.copyOf(hashtable(granted.subject()));

    Hashtable<Object, Object> first = hashtable(granted.subject());
    // What Liberty does to the hashtable of a TAI that turned the LTPA cookie off.
    first.put("com.ibm.ws.authentication.internal.sso.disable.ltpa.cookie", Boolean.TRUE);
    first.remove(LibertyCredential.CACHE_KEY);

    Hashtable<Object, Object> second = hashtable(granted.subject());
    assertThat(second).isNotSameAs(first).isEqualTo(before);
    // Liberty casts the groups to ArrayList and may add to them: a list of each request's own.
    assertThat(second.get(LibertyCredential.GROUPS))
        .isInstanceOf(ArrayList.class)
        .isNotSameAs(first.get(LibertyCredential.GROUPS));
    ((ArrayList<Object>) first.get(LibertyCredential.GROUPS)).add("group:corp/added");
    assertThat(hashtable(granted.subject()).get(LibertyCredential.GROUPS))
        .isEqualTo(List.of(LibertyCredential.groupPrefix("corp") + "reader"));
    assertThat(hashtable(granted.subject())).isEqualTo(before);
  }

  @Test
  void manyCallersStayWithinTheSlots() throws Exception {
    Grants grants = new Grants("corp", 7);
    Authentication.Authenticated kept = caller("dev", "reader");
    Grants.Granted first = grants.granted(kept);
    for (int i = 0; i < 10 * Grants.SLOTS; i++) {
      grants.granted(caller("dev", "reader"));
    }
    // The caller may have lost its slot to another one; it is then made again, never wrong.
    assertThat(hashtable(grants.granted(kept).subject())).isEqualTo(hashtable(first.subject()));
  }
}
