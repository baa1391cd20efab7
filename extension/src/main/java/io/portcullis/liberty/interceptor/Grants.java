package io.portcullis.liberty.interceptor;

import io.portcullis.auth.Authentication;
import io.portcullis.auth.LibertyCredential;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.security.auth.Subject;

/**
 * What Liberty is handed for the callers one configuration accepts, made once per caller. The
 * authenticator answers a certificate it has seen with the same outcome object, so a returning
 * caller's names are found here by that object's identity: a kept-alive request builds no strings.
 * Each slot holds one caller, so the memo is bounded whatever the number of certificates.
 */
final class Grants {
  /** How many accepted callers' names are remembered per configuration (a power of two). */
  static final int SLOTS = 1024;

  private final String realm;
  private final long generation;
  private final AtomicReferenceArray<Granted> slots = new AtomicReferenceArray<>(SLOTS);

  Grants(String realm, long generation) {
    this.realm = realm;
    this.generation = generation;
  }

  /** The names for {@code ok}, made now unless this very outcome was seen last in its slot. */
  Granted granted(Authentication.Authenticated ok) {
    int slot = System.identityHashCode(ok) & (SLOTS - 1);
    Granted known = slots.get(slot);
    if (known != null && known.outcome() == ok) {
      return known;
    }
    Granted made = Granted.of(realm, generation, ok);
    slots.set(slot, made);
    return made;
  }

  /**
   * The key of Liberty's authentication cache for a caller: this configuration, the caller's area
   * and its certificate (groups are a function of the three), so new rules or a reload are never
   * answered from a subject Liberty cached before, and a subject made for one area is never handed
   * to another. Revocation needs no key: the interceptor runs, and refuses, on every request.
   */
  static String cacheKey(long generation, Authentication.Authenticated ok) {
    return "portcullis:" + generation + ":" + ok.identity().area() + ":" + ok.identity().sha256();
  }

  /**
   * The names Liberty is handed for one accepted caller: its principal, the hashtable Liberty makes
   * its subject from (unique ID, security name, realm, authentication cache key) and its groups.
   */
  record Granted(
      Authentication.Authenticated outcome,
      String principal,
      Map<String, Object> credential,
      List<String> groups) {
    static Granted of(String realm, long generation, Authentication.Authenticated ok) {
      String principal = ok.identity().principalName();
      List<String> groups = new ArrayList<>();
      for (String group : ok.groups()) {
        groups.add(LibertyCredential.groupPrefix(realm) + group);
      }
      Map<String, Object> credential = new HashMap<>();
      // The same SPIFFE ID vouched for by two areas is two users (WorkloadIdentity.uniqueName).
      credential.put(
          LibertyCredential.UNIQUE_ID,
          LibertyCredential.uniqueId(realm, ok.identity().area(), principal));
      credential.put(LibertyCredential.SECURITY_NAME, principal);
      credential.put(LibertyCredential.REALM, realm);
      credential.put(LibertyCredential.CACHE_KEY, cacheKey(generation, ok));
      return new Granted(ok, principal, Map.copyOf(credential), List.copyOf(groups));
    }

    /**
     * A subject of its own for one request: Liberty adds entries to the hashtable it is handed, so
     * no two requests share one. Liberty reads the groups as an {@code ArrayList} (a cast: any
     * other list fails the login), so each request gets one of its own too.
     */
    Subject subject() {
      Hashtable<String, Object> hashtable = new Hashtable<>(credential);
      hashtable.put(LibertyCredential.GROUPS, new ArrayList<>(groups));
      Subject subject = new Subject();
      subject.getPublicCredentials().add(hashtable);
      return subject;
    }
  }
}
