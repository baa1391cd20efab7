package io.portcullis.messages;

/**
 * The core's messages: {@code PRTC01xx} (trust), {@code PRTC02xx} (identity and rules), {@code
 * PRTC03xx} (adapters), {@code PRTC07xx} (configuration and batch input). Each constant names one
 * ID of {@code io/portcullis/messages/PortcullisMessages.properties}; raise them as {@code
 * CoreMessage.X.exception(args)}, never by spelling the ID.
 */
public enum CoreMessage implements MessageId {
  /** The certificate chain is empty or holds an unreadable certificate. */
  CHAIN_EMPTY("PRTC0101E"),
  /** No trust area is configured, so no certificate can be trusted. */
  NO_TRUST_AREA("PRTC0102E"),
  /** The certificate {0} expired at {1} (now {2}). */
  EXPIRED("PRTC0103E"),
  /** The certificate {0} is not valid before {1}. */
  NOT_YET_VALID("PRTC0104E"),
  /** No trust area trusts the certificate {0}: {1} */
  UNTRUSTED("PRTC0105E"),
  /** The certificate {0} may not be used for {1}: its extended key usages are {2}. */
  EKU_NOT_ALLOWED("PRTC0106E"),
  /** The certificate {0} has an unreadable extended key usage extension: {1} */
  EKU_UNREADABLE("PRTC0107E"),
  /** The chain presented by {0} holds {1} certificates; at most {2} are accepted. */
  CHAIN_TOO_LONG("PRTC0108E"),
  /** The path of {0} runs through {1} intermediate CA certificates, more than the area allows... */
  PATH_TOO_DEEP("PRTC0109E"),
  /** The chain presented by {0} holds the same certificate more than once. */
  CHAIN_REPEATS("PRTC0110E"),
  /** The certificate {0} is valid for {1} days, longer than the area's maximum of {2} days. */
  LIFETIME_TOO_LONG("PRTC0111E"),
  /** The certificate {0} has no real expiry date (notAfter 99991231235959Z). */
  NO_EXPIRY("PRTC0112E"),
  /** The certificate {0} has a {1} key of {2} bits; the area requires at least {3}. */
  KEY_TOO_SMALL("PRTC0113E"),
  /** The certificate {0} has a {1} key, which the area does not accept. */
  KEY_TYPE_REFUSED("PRTC0114E"),
  /** The certificate {0} is signed with {1}, which the area does not allow. */
  SIGNATURE_ALGORITHM_REFUSED("PRTC0115E"),
  /** The certificate {0} carries a critical extension that is not understood: {1} */
  UNKNOWN_CRITICAL_EXTENSION("PRTC0116E"),
  /** The certificate {0} breaks the name constraints of its {1}: {2} */
  NAME_CONSTRAINTS_BROKEN("PRTC0117E"),
  /** The certificate {0} (serial {1}) is revoked: {2} */
  REVOKED("PRTC0118E"),
  /** The revocation status of {0} cannot be determined and the area fails hard: {1} */
  REVOCATION_UNKNOWN("PRTC0119E"),
  /** The certificate {0} is on the deny-list ({1}). */
  DENY_LISTED("PRTC0120E"),
  /** The CA certificate {0} breaks the RFC 5280 profile: {1} */
  CA_PROFILE_BROKEN("PRTC0121E"),
  /** The leaf certificate {0} is marked as a CA: {1} */
  LEAF_IS_CA("PRTC0122E"),
  /** The key usage of {0} does not fit its use: {1} */
  KEY_USAGE_MISFIT("PRTC0123E"),
  /** The certificate {0} has an invalid serial number {1}. */
  SERIAL_INVALID("PRTC0124E"),
  /** The certificate {0} encodes its validity incorrectly: {1} */
  VALIDITY_ENCODING("PRTC0125E"),
  /** The signature on {0} does not verify: {1} */
  SIGNATURE_INVALID("PRTC0126E"),
  /** The certificate {0} cannot be decoded: {1} */
  UNDECODABLE("PRTC0127E"),
  /** The certificate {0} has no extended key usage extension; the area requires one allowing... */
  EKU_MISSING("PRTC0128E"),
  /** Path validation of {0} failed: {1} */
  PATH_INVALID("PRTC0129E"),
  /** The certificate {0} has an empty subject and no critical subject alternative name exten... */
  EMPTY_SUBJECT("PRTC0130E"),
  /** The CRL source {0} could not be refreshed; the last good CRLs stay in use: {1} */
  CRL_REFRESH_FAILED("PRTC0131W"),
  /** The deny-list file {0} could not be loaded; the previous deny-list stays in use: {1} */
  DENY_LIST_LOAD_FAILED("PRTC0132W"),
  /** The certificate {0} uses an algorithm or key the JDK's security policy forbids: {1} */
  ALGORITHM_FORBIDDEN("PRTC0133E"),
  /** The certificate {0} is not valid for the {1} name {2}. */
  NAME_MISMATCH("PRTC0134E"),
  /** The chain could not be validated because of an unexpected error: {0} */
  VALIDATION_ERROR("PRTC0135E"),
  /** CRLs cannot be loaded from {0}: {1} */
  CRL_LOAD_FAILED("PRTC0136E"),
  /** The deny-list entry {0} is invalid: {1} */
  DENY_LIST_ENTRY_INVALID("PRTC0137E"),
  /** The certificate {0} carries the DNS name "{1}", which is not in preferred name syntax (... */
  DNS_NAME_SYNTAX("PRTC0138E"),
  /** The certificate {0} carries the e-mail address "{1}", which RFC 5280 4.2.1.6 does not a... */
  EMAIL_SYNTAX("PRTC0139E"),
  /** The certificate {0} carries the URI "{1}", which RFC 5280 4.2.1.6 does not allow: {2}. */
  URI_SYNTAX("PRTC0140E"),
  /** The certificate {0} carries the URI "{1}" where a URI name constraint applies, but {2}. */
  URI_HOST_UNCONSTRAINABLE("PRTC0141E"),
  /** Path validation of {0} stopped with an error inside {1}: {2} */
  VALIDATOR_ERROR("PRTC0142E"),
  /** The CRL of {0} from {1} is refused and the one in use stays: its {2}. */
  CRL_OLDER("PRTC0143W"),
  /** The CRL of {0} from {1} is refused: {2}. */
  CRL_NOT_SIGNED("PRTC0144W"),
  /** The certificate {0} names {1}, which lies outside the scope of trust area {2} ({3}). */
  OUTSIDE_AREA_SCOPE("PRTC0145E"),
  /** The trust anchor {0} breaks RFC 5280 {1} for a CA certificate: {2}. */
  ANCHOR_PROFILE_BROKEN("PRTC0146E"),
  /** The trust anchor {0} is not valid at {1}: it is valid from {2} to {3}. */
  ANCHOR_NOT_VALID("PRTC0147E"),
  /** The certificate {0} breaks RFC 5280 {1}: {2}. */
  KEY_IDENTIFIER_BROKEN("PRTC0148E"),
  /** The RSA key of {0} has a {1}-bit modulus, not a whole number of bytes. */
  RSA_MODULUS_MALFORMED("PRTC0149E"),
  /** The certificate {0} breaks RFC 5280 {1}: {2}. */
  EXTENSION_PROFILE_BROKEN("PRTC0150E"),
  /** The CA certificate {0} limits extended key usage to {1}, which does not allow TLS {2}. */
  CA_EKU_EXCLUDES_PURPOSE("PRTC0151E"),
  /** {0}: the CRL of {1} cannot be used: {2}. */
  CRL_PROFILE_BROKEN("PRTC0152E"),
  /** The chain of {0} asks for {1} name-constraint comparisons, more than the {2} allowed. */
  NAME_CONSTRAINT_WORK("PRTC0153E"),
  /** The certificate {0} names {1}, which stands for names in the excluded subtree {2}. */
  WILDCARD_UNDER_EXCLUDED("PRTC0154E"),
  /**
   * The certificate {0} carries the IP address {1}, {2} octets where RFC 5280 4.2.1.6 asks 4 or 16.
   */
  IP_ADDRESS_SYNTAX("PRTC0155E"),
  /** Trust area {0}: its anchor {1} expired at {2}. */
  AREA_ANCHOR_EXPIRED("PRTC0156E"),
  /** Trust area {0}: its CA certificate {1} expired at {2}. */
  AREA_CA_EXPIRED("PRTC0157E"),
  /** Trust area {0} checks revocation hard-fail, and the CRL of {1} is past its nextUpdate {2}. */
  AREA_CRL_STALE("PRTC0158E"),
  /** The certificate {0} may sign certificates (keyCertSign) but is no CA (basic constraints). */
  LEAF_SIGNS_CERTIFICATES("PRTC0159E"),
  /** The chain of {0} fails on its first path ({2}), and {1} other paths were tried... */
  PATH_SEARCH_BOUND("PRTC0160E"),
  /** The certificate {0} breaks the web PKI profile: {1}. */
  WEB_PKI_PROFILE_BROKEN("PRTC0161E"),
  /** The certificate {0} names the wildcard {1} over the public suffix {2}. */
  WILDCARD_OVER_PUBLIC_SUFFIX("PRTC0162E"),
  /** The public suffix list {0} cannot be read: {1}. */
  PUBLIC_SUFFIXES_UNREADABLE("PRTC0163E"),
  /** The URI {0} is not a valid SPIFFE ID: {1}. */
  SPIFFE_ID_INVALID("PRTC0201E"),
  /** The certificate holds more than one SPIFFE ID: {0}. */
  SPIFFE_ID_SEVERAL("PRTC0202E"),
  /** The certificate's subject alternative names cannot be read: {0} */
  SAN_UNREADABLE("PRTC0203E"),
  /** The caller {0} (area {1}) matches no role rule and unmatched callers are refused. */
  UNMATCHED_REFUSED("PRTC0204E"),
  /** The caller {0} (area {1}) is denied by role rule {2}. */
  DENIED_BY_RULE("PRTC0205E"),
  /** The role rule {0} is invalid: {1} */
  RULE_INVALID("PRTC0206E"),
  /** The caller {0} (area {1}) is refused: the deny rule {2} cannot decide about it ({3}). */
  RULE_UNDECIDABLE("PRTC0207E"),
  /** The request cannot be decided and is refused: {0} */
  UNDECIDED("PRTC0208E"),
  /** The certificate holds the SPIFFE ID {0} beside other URI names ({1}). */
  SPIFFE_ID_BESIDE_URIS("PRTC0209E"),
  /** The certificate's SPIFFE ID {0} is a trust domain's own ID, which names no workload. */
  SPIFFE_ID_TRUST_DOMAIN_ONLY("PRTC0210E"),
  /** The certificate's subject {0} holds a control or line-separator character ({1}). */
  SUBJECT_UNPRINTABLE("PRTC0211E"),
  /** The request carries no TLS client certificate, so it is refused. */
  NO_CLIENT_CERTIFICATE("PRTC0301E"),
  /** The request from {0} to {1} is refused: {2} */
  REQUEST_REFUSED("PRTC0302E"),
  /** Portcullis is protecting the server with {0} trust area(s) and {1} role rule(s); unmatc... */
  PROTECTING("PRTC0303I"),
  /** The Portcullis configuration is invalid: {0}. Every protected request is refused until ... */
  CONFIG_INVALID("PRTC0304E"),
  /** The trust area {0} cannot read its certificate file {1}: {2} */
  AREA_FILE_UNREADABLE("PRTC0305E"),
  /** The Portcullis trust association interceptor leaves the applications at {0} to their ow... */
  CONTEXT_ROOTS_EXCLUDED("PRTC0310I"),
  /** The Portcullis Jakarta Authentication module is registered for the application at {0}. */
  SAM_REGISTERED("PRTC0311I"),
  /** The Portcullis Jakarta Authentication module cannot be registered for the application a... */
  SAM_NOT_REGISTERED("PRTC0312E"),
  /** The Portcullis JAAS login module refused the request to {0}: {1} */
  JAAS_REFUSED("PRTC0313E"),
  /**
   * The trust areas' certificate files changed ({0}) and are now in force: {1} trust anchor(s)...
   */
  TRUST_FILES_RELOADED("PRTC0314I"),
  /**
   * The trust areas' certificate files changed ({0}) but cannot be used: {1} The trust in for...
   */
  TRUST_FILES_REFUSED("PRTC0315W"),
  /**
   * The PortcullisTrust key store has no trust anchors to serve: no valid trust area configur...
   */
  TRUST_STORE_EMPTY("PRTC0316E"),
  /** {0} more request(s) refused with {1} in the {2} s after its last logged line were only... */
  REFUSALS_HELD_BACK("PRTC0317W"),
  /** The property {0} has an invalid value '{1}': {2} */
  PROPERTY_INVALID("PRTC0701E"),
  /** The property {0} is required {1}. */
  PROPERTY_REQUIRED("PRTC0702E"),
  /** Certificates cannot be read from {0}: {1} */
  CERTIFICATES_UNREADABLE("PRTC0703E"),
  /** The property {0} is not a Portcullis setting ({1}). */
  PROPERTY_UNKNOWN("PRTC0705E"),
  /** The server configuration {0} cannot be read: {1} */
  SERVER_XML_UNREADABLE("PRTC0706E"),
  /** The trust areas cannot be told apart: {0}. */
  AREAS_AMBIGUOUS("PRTC0708E"),
  /** The deny rule {0} names the trust area ''{1}'', which is not a configured, enabled area... */
  RULE_AREA_UNKNOWN("PRTC0709E"),
  /** The grant rule {0} names the trust area ''{1}'', which is not a configured, enabled are... */
  RULE_AREA_UNKNOWN_GRANT("PRTC0710W"),
  /** The Portcullis authentication module cannot work: {0} */
  MODULE_UNUSABLE("PRTC0707E"),
  /** The batch input line {0} is not a JSON object: {1} */
  BATCH_LINE_NOT_JSON("PRTC0720E"),
  /** The batch input line {0} has an invalid field {1}: {2} */
  BATCH_FIELD_INVALID("PRTC0721E"),
  /** The batch input line {0} holds an unreadable certificate or CRL in {1}: {2} */
  BATCH_MATERIAL_UNREADABLE("PRTC0722E"),
  /** The file {0} cannot be read: {1} */
  FILE_UNREADABLE("PRTC0723E");

  private final String id;

  CoreMessage(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public MessageCatalog catalog() {
    return Messages.CORE;
  }
}
