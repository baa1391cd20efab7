package io.portcullis.ca;

import io.portcullis.messages.MessageCatalog;
import io.portcullis.messages.MessageId;

/**
 * The private CA's messages, {@code PRTC04xx}. Each constant names one ID of {@code
 * io/portcullis/ca/CaMessages.properties}; raise them as {@code CaMessage.X.exception(args)}, never
 * by spelling the ID.
 */
public enum CaMessage implements MessageId {
  /** The directory {0} holds no Portcullis CA (no {1}). */
  NO_CA("PRTC0401E"),
  /** Refusing to create a CA over existing material: {0} already exists. */
  MATERIAL_EXISTS("PRTC0402E"),
  /** The CA state file {0} is corrupted or unreadable: {1}. Nothing was changed. */
  STATE_UNREADABLE("PRTC0403E"),
  /** The CA could not write {0}: {1}. The previous state is intact. */
  WRITE_FAILED("PRTC0404E"),
  /** This step needs the offline root key, which is not available ({0}). */
  ROOT_KEY_NEEDED("PRTC0405E"),
  /** The root or CA key at {0} cannot be used: {1} */
  KEY_UNUSABLE("PRTC0406E"),
  /** There is no area named {0}. */
  AREA_UNKNOWN("PRTC0407E"),
  /** The area {0} already exists. */
  AREA_EXISTS("PRTC0408E"),
  /** The area {0} was retired at {1}; it issues, renews and vouches for nothing. */
  AREA_RETIRED("PRTC0409E"),
  /** The area {0} cannot be created: {1}. */
  AREA_INVALID("PRTC0410E"),
  /** The workload {0} cannot be registered: its SPIFFE ID is not under the area prefix {1}. */
  REGISTRATION_OUTSIDE_PREFIX("PRTC0411E"),
  /** The workload {0} is already registered. */
  ALREADY_REGISTERED("PRTC0412E"),
  /** The workload {0} is not registered. */
  NOT_REGISTERED("PRTC0413E"),
  /** The certificate request is unreadable: {0} */
  REQUEST_UNREADABLE("PRTC0414E"),
  /** The certificate request from {0} has an invalid signature; possession of its key is not... */
  REQUEST_SIGNATURE_INVALID("PRTC0415E"),
  /** The key {0} is not allowed here: the policy asks for {1}. */
  KEY_NOT_ALLOWED("PRTC0416E"),
  /** The certificate request asks for names outside the registration: {0} (registered: {1}, ... */
  NAMES_OUTSIDE_REGISTRATION("PRTC0417E"),
  /** No valid join token was presented; a first certificate needs one. */
  JOIN_TOKEN_MISSING("PRTC0418E"),
  /** The join token of {0} was already used at {1}. */
  JOIN_TOKEN_USED("PRTC0419E"),
  /** The join token of {0} expired at {1}. */
  JOIN_TOKEN_EXPIRED("PRTC0420E"),
  /** The certificate {0} ({1}) was not issued by this CA, so it cannot be renewed. */
  NOT_ISSUED_HERE("PRTC0421E"),
  /** The current certificate {0} is not valid (notAfter {1}, now {2}); renewal is refused. */
  CURRENT_NOT_VALID("PRTC0422E"),
  /** The current certificate {0} is revoked; renewal is refused. */
  CURRENT_REVOKED("PRTC0423E"),
  /** The renewal request of {0} does not prove possession of the current key of {1}. */
  RENEWAL_PROOF_MISSING("PRTC0424E"),
  /** The certificate {0} is not the current certificate of its workload (that is {1}); renew... */
  NOT_CURRENT("PRTC0425E"),
  /** The requested lifetime {0} is not allowed; the maximum is {1}. */
  LIFETIME_NOT_ALLOWED("PRTC0426E"),
  /** No certificate issued by this CA has the serial or fingerprint {0}. */
  CERTIFICATE_UNKNOWN("PRTC0427E"),
  /** The certificate {0} is already revoked. */
  ALREADY_REVOKED("PRTC0428E"),
  /** The renewal of {0} reuses the current key; a renewal needs a new key. */
  KEY_REUSED("PRTC0429E"),
  /** The workload {0} cannot be registered: the DNS name {1} is not a valid name within the ... */
  REGISTRATION_DNS_OUTSIDE("PRTC0430E"),
  /** The workload {0} cannot be registered: the lifetime {1} is not within the area maximum ... */
  REGISTRATION_LIFETIME("PRTC0431E"),
  /** The workload {0} cannot be registered: no usage (server, client) is given. */
  REGISTRATION_NO_USAGE("PRTC0432E"),
  /** The workload {0} cannot be registered: no approver is given. */
  REGISTRATION_NO_APPROVER("PRTC0433E"),
  /** The file {0} holds {1} but others can reach it: {2}. Make it 0600 (or 0400) and owned by... */
  SECRET_FILE_OPEN("PRTC0436E"),
  /** The {0} is too short: {1} characters, at least {2} are needed for a key that... */
  PASSPHRASE_WEAK("PRTC0437E"),
  /** The lineage of {0} cannot be traced: {1}. */
  LINEAGE_BROKEN("PRTC0438E"),
  /** {0} would put {1} on the command line, where every local user sees it in the process... */
  SECRET_ON_COMMAND_LINE("PRTC0439E"),
  /** The audit log {0} is not intact: {1}. */
  AUDIT_BROKEN("PRTC0440E"),
  /** The {0} {1} is not valid; expected {2}. */
  VALUE_INVALID("PRTC0441E"),
  /** The CA state lock {0} cannot be taken: {1} */
  LOCK_FAILED("PRTC0442E"),
  /** The CA state lock {0} is held by another process and was not released within {1}; ... */
  LOCK_HELD("PRTC0443E"),
  /** The area intermediate {0} expires at {1}; it cannot issue any more. */
  INTERMEDIATE_EXPIRED("PRTC0444E"),
  /** The CA step {0} failed unexpectedly: {1}. The previous state is intact. */
  STEP_FAILED("PRTC0445E"),
  /** The {0} was not given: set the environment variable {1}, or run the command at a termin... */
  SECRET_NOT_GIVEN("PRTC0446E"),
  /** The file {0} cannot be used: {1} */
  FILE_UNUSABLE("PRTC0447E"),
  /** The CA server refused the request: {0} */
  SERVER_REFUSED("PRTC0448E"),
  /** The CA server at {0} answered {1}: {2} */
  SERVER_ANSWERED("PRTC0449E"),
  /** CA created in {0}; root key: {1}; root certificate (the anchor to distribute): {2}. Put... */
  CA_CREATED("PRTC0450I"),
  /** Area {0} created: intermediate {1}, URI prefix {2}, DNS subtrees {3}, maximum leaf life... */
  AREA_CREATED("PRTC0451I"),
  /** Join token for {0}, valid once until {1}, written to {2}. */
  JOIN_TOKEN_WRITTEN("PRTC0452I"),
  /** Issued {0}: serial {1}, sha256 {2}, valid until {3}, written to {4}; replaces {5}. */
  ISSUED("PRTC0453I"),
  /** Revoked {0}; the CRL of {1} was published, next update {2}. */
  REVOKED("PRTC0454I"),
  /** Area {0} retired; the root CRL {1} revokes its intermediate, next update {2}. */
  AREA_RETIRED_DONE("PRTC0455I"),
  /** CRL of {0} published to {1}, next update {2}. */
  CRL_PUBLISHED("PRTC0456I"),
  /** The root key is not on this machine ({0}), as it should be: this command runs without it. */
  ROOT_KEY_OFFLINE("PRTC0457I"),
  /** The root key file {0} is present on this machine; it should be offline between ceremonies. */
  ROOT_KEY_PRESENT("PRTC0458W"),
  /** Serving the CA on https://{0}:{1}/ for {2}: POST /v1/issue (join token), POST /v1/renew... */
  SERVING("PRTC0459I"),
  /**
   * The CA server turns {0} away for {1} s: it sent {2} requests the CA refused within a minute.
   */
  CLIENT_LIMITED("PRTC0460W"),
  /** The CA server is busy: all {0} issuance slots are taken. CRLs are still served. */
  SERVER_BUSY("PRTC0461W"),
  /** The CA server at {0} cannot be reached: {1}. Nothing was issued. */
  SERVER_UNREACHABLE("PRTC0462E"),
  /** The TLS handshake with the CA server at {0} failed: {1}. Nothing was issued. */
  HANDSHAKE_REFUSED("PRTC0434E"),
  /** The client certificate is refused: {0}. Nothing was issued. */
  CLIENT_CERTIFICATE_REFUSED("PRTC0435E"),
  /** A root rollover is under way ({0}); {1} must wait until it is finished. */
  ROLLOVER_UNDER_WAY("PRTC0463E"),
  /** There is no next root to {0}: run portcullis ca root next first. */
  NO_NEXT_ROOT("PRTC0464E"),
  /** The previous root {0} may still anchor certificates in use until {1}; retire it after... */
  PREVIOUS_ROOT_IN_USE("PRTC0465E"),
  /** Next root {0} published in {1}, with the intermediates of {2} re-certified under it... */
  ROOT_NEXT_PUBLISHED("PRTC0466I"),
  /** Root {0} is active: new certificates chain to it. The previous root stays trusted until... */
  ROOT_ACTIVATED("PRTC0467I"),
  /** The previous root {0} was removed from {1}: servers reading the bundle stop trusting it. */
  ROOT_RETIRED("PRTC0468I"),
  /** Nothing was issued to {0}: {1}. The registration is as it was and its join token unspent... */
  ISSUANCE_UNDONE("PRTC0469E"),
  /** The certificate {0} for {1} was issued and recorded in its registration (the join token... */
  ISSUANCE_UNRECORDED("PRTC0470E"),
  /** The audit witness {0} cannot be used: {1}. */
  WITNESS_INVALID("PRTC0471E");

  private static final MessageCatalog CATALOG =
      new MessageCatalog("io.portcullis.ca.CaMessages", CaMessage.class, "PRTC04\\d{2}[IWE]");

  private final String id;

  CaMessage(String id) {
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
