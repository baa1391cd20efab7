package io.portcullis.keys;

import io.portcullis.messages.MessageCatalog;
import io.portcullis.messages.MessageId;

/**
 * The key sources' messages, {@code PRTC05xx}. Each constant names one ID of {@code
 * io/portcullis/keys/KeySourceMessages.properties}; raise them as {@code
 * KeySourceMessage.X.exception(args)}, never by spelling the ID.
 */
public enum KeySourceMessage implements MessageId {
  /** The key source configuration is invalid: {0} */
  CONFIG_INVALID("PRTC0501E"),
  /** The key source attribute {0} holds a password encoded as {1}, which only the Liberty ru... */
  PASSWORD_ENCODING("PRTC0502E"),
  /** The PKCS#11 library {0} cannot be loaded: {1} */
  LIBRARY_UNLOADABLE("PRTC0503E"),
  /** No token labelled {0} is present in PKCS#11 library {1}; tokens present: {2}. */
  TOKEN_NOT_FOUND("PRTC0504E"),
  /** Login to {0} failed: wrong PIN. */
  WRONG_PIN("PRTC0505E"),
  /** Login to {0} failed: the user PIN is locked. */
  PIN_LOCKED("PRTC0506E"),
  /** Login to {0} is not tried: the token refused this PIN before ({1}), and each retry could... */
  PIN_NOT_RETRIED("PRTC0545E"),
  /** The key alias {0} is not in {1}; aliases present: {2}. */
  ALIAS_MISSING("PRTC0507E"),
  /** The certificate for alias {0} does not match its private key: {1} */
  CERTIFICATE_KEY_MISMATCH("PRTC0508E"),
  /** The TPM key source needs the environment variable {0} in the server process: {1} */
  TPM_ENVIRONMENT("PRTC0509E"),
  /** The environment variable {0} named by {1} is not set. */
  ENVIRONMENT_UNSET("PRTC0510E"),
  /** The PKCS#12 key store {0} cannot be read: {1} */
  PKCS12_UNREADABLE("PRTC0511E"),
  /** The PKCS#12 key store {0} cannot be opened: wrong password. */
  PKCS12_WRONG_PASSWORD("PRTC0512E"),
  /** A PKCS#11 operation on {0} failed: {1} */
  PKCS11_FAILED("PRTC0513E"),
  /** The new credentials were refused and the key manager keeps serving the previous ones (a... */
  CREDENTIALS_REFUSED("PRTC0514W"),
  /** The {0} was logged out or restarted; logging in again and reloading its keys. */
  TOKEN_RELOGIN("PRTC0515W"),
  /** The key {0} cannot be generated in the {1}: {2} */
  KEY_GENERATION_FAILED("PRTC0516E"),
  /** A certificate signing request for {0} cannot be made: {1} */
  CSR_FAILED("PRTC0517E"),
  /** The certificate chain for {0} cannot be stored in the {1}: {2} */
  CHAIN_NOT_STORED("PRTC0518E"),
  /** No token is present in {0}. */
  NO_TOKEN("PRTC0519E"),
  /** The alias {0} already holds a key in the {1}. */
  ALIAS_TAKEN("PRTC0520E"),
  /** Generated a key pair ({0}) under alias {1} in the {2}; the private key is sensitive and... */
  KEY_GENERATED("PRTC0521I"),
  /** The certificate file {0} cannot be read: {1} */
  CERTIFICATE_FILE_UNREADABLE("PRTC0522E"),
  /** Selecting a token by label needs the pkcs11-tool command (OpenSC), which cannot be run:... */
  PKCS11_TOOL_MISSING("PRTC0523E"),
  /** The key manager now serves alias {0} (certificate {1}, valid until {2}). */
  KEY_MANAGER_SERVES("PRTC0524I"),
  /** The Portcullis keystore cannot load the key source {0}: {1} */
  KEYSTORE_LOAD_FAILED("PRTC0525E"),
  /** The key source configuration of &lt;usr_portcullis&gt; is not valid: {0} */
  KEYSTORE_CONFIG_INVALID("PRTC0526E"),
  /**
   * The Portcullis keystore was asked for its keys before &lt;usr_portcullis&gt; configured any
   * k...
   */
  KEYSTORE_NOT_CONFIGURED("PRTC0527E"),
  /** The Portcullis keystore serves key source {0} as alias {0}: certificate {1}, valid unti... */
  KEYSTORE_SERVES("PRTC0528I"),
  /** The Portcullis keystore is read-only: {0} is not supported. */
  KEYSTORE_READ_ONLY("PRTC0529E"),
  /** The Portcullis keystore keeps serving the last good key sources ({0}): the reload faile... */
  KEYSTORE_KEEPS_LAST_GOOD("PRTC0530W"),
  /** The key source state file {0} cannot be written: {1} */
  STATE_NOT_WRITTEN("PRTC0531W"),
  /** The key of key source {0} no longer signs (token restarted, failed over or logged out);... */
  KEY_NO_LONGER_SIGNS("PRTC0532W"),
  /** The key type {0} is not one Portcullis uses; use one of {1}. */
  KEY_TYPE_UNSUPPORTED("PRTC0533E"),
  /** The PEM file {0} cannot be used: {1} */
  PEM_UNREADABLE("PRTC0534E"),
  /** Key source {0} renewed: serial {1} replaced by serial {2}, valid until {3}; next renewa... */
  RENEWED("PRTC0540I"),
  /** Key source {0} could not be renewed by {1}: {2} Still serving serial {3} (valid until {... */
  RENEWAL_FAILED("PRTC0541W"),
  /** The certificate {0} returned for key source {1} does not certify the new key: {2} */
  RENEWAL_KEY_MISMATCH("PRTC0542E"),
  /** The chain {0} returned for key source {1} does not validate against the issuer''s trust... */
  RENEWAL_CHAIN_REFUSED("PRTC0543E"),
  /** The new credential of key source {0} failed its self-test handshake: {1} */
  RENEWAL_SELF_TEST_FAILED("PRTC0544E"),
  /** Key source {0}: serial {1} valid until {2}; renewal by {3} due at {4}. */
  RENEWAL_SCHEDULED("PRTC0546I"),
  /** The renewed credential of key source {0} could not be stored in {1}: {2} */
  RENEWAL_NOT_STORED("PRTC0547E"),
  /** Key source {0}: the key {1} was deleted from the token. */
  RENEWAL_KEY_DELETED("PRTC0548I"),
  /**
   * Key source {0}: the renewal a stop interrupted is finished: serial {1} replaced by serial...
   */
  RENEWAL_RESUMED("PRTC0549I"),
  /** Key source {0}: the files {1} hold a new credential, now served: serial {2} replaced by... */
  FILES_LOADED("PRTC0550I"),
  /** Key source {0}: the files {1} were not loaded: {2} Still serving serial {3} (valid until... */
  FILES_REFUSED("PRTC0551W"),
  /** Key source {0}: the issuer suggests renewing serial {1} between {2} and {3}; renewal due... */
  RENEWAL_WINDOW("PRTC0552I"),
  /** Key source {0}: {1} did not say when to renew ({2}); the renewal stays due at {3}. */
  RENEWAL_WINDOW_UNKNOWN("PRTC0553W"),
  /** The renewed certificate {0} of key source {1} is valid from {2}, {3} s ahead of this ser... */
  RENEWAL_NOT_YET_VALID("PRTC0554W"),
  /**
   * The new certificate {0} for key source {1} names {2}, where {4} names {3}; it is not served.
   */
  RENEWAL_IDENTITY_CHANGED("PRTC0555E"),
  /** Key source {0} serves certificate {1}, which is not valid until {2}. */
  CERTIFICATE_NOT_YET_VALID("PRTC0556E"),
  /** Key source {0} serves certificate {1}, which expired at {2}. */
  CERTIFICATE_EXPIRED("PRTC0557E"),
  /** Key source {0} serves certificate {1} past {2} of its lifetime without a renewal ({3} at... */
  RENEWAL_OVERDUE("PRTC0558E"),
  /** Nothing loaded a key source yet: no certificate is served for it. */
  NOT_SERVED_YET("PRTC0559E"),
  /** Key source {0} loads with the changed configuration; Liberty serves it once it loads... */
  LOADS_AFTER_CHANGE("PRTC0560I");

  private static final MessageCatalog CATALOG =
      new MessageCatalog(
          "io.portcullis.keys.KeySourceMessages", KeySourceMessage.class, "PRTC05\\d{2}[IWE]");

  private final String id;

  KeySourceMessage(String id) {
    this.id = id;
  }

  /** The catalog of this module's messages. */
  public static MessageCatalog messages() {
    return CATALOG;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public MessageCatalog catalog() {
    return CATALOG;
  }
}
