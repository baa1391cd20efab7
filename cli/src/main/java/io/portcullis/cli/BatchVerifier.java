package io.portcullis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.CertificateFiles;
import io.portcullis.identity.PeerNames;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.MessageId;
import io.portcullis.messages.PortcullisException;
import io.portcullis.trust.CrlProfile;
import io.portcullis.trust.CrlStore;
import io.portcullis.trust.DenyList;
import io.portcullis.trust.NameSyntax;
import io.portcullis.trust.PkixTrustValidator;
import io.portcullis.trust.Purpose;
import io.portcullis.trust.Revocation;
import io.portcullis.trust.RevocationMode;
import io.portcullis.trust.TrustArea;
import io.portcullis.trust.TrustDecision;
import io.portcullis.trust.TrustPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * One line of {@code portcullis verify --batch}: JSON in, JSON out, never an exception. Without a
 * policy the standards apply (RFC 5280 path validation and profile, EKU for the purpose, name
 * check); with one, its {@code portcullis.policy.*} floors apply to the line's anchors, or, when it
 * defines areas, the line is validated against those areas and its trustAnchors are ignored. CRLs
 * given on a line are used soft-fail: a certificate a CRL lists is refused, one no CRL covers is
 * not.
 */
final class BatchVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SAN_EMAIL = 1;
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private final TrustPolicy policy;
  private final List<TrustArea> policyAreas;

  BatchVerifier(TrustPolicy policy, List<TrustArea> policyAreas) {
    this.policy = policy;
    this.policyAreas = List.copyOf(policyAreas);
  }

  /** Standards only. */
  static BatchVerifier standards() {
    return new BatchVerifier(TrustPolicy.standards(), List.of());
  }

  /** Verifies one input line and returns the output line (without a newline). */
  String verify(String line, long lineNumber) {
    JsonNode id = null;
    String where = "#" + lineNumber;
    try {
      JsonNode input;
      try {
        input = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        return output(null, reject(CoreMessage.BATCH_LINE_NOT_JSON, where, e.getOriginalMessage()));
      }
      if (input == null || !input.isObject()) {
        return output(null, reject(CoreMessage.BATCH_LINE_NOT_JSON, where, "not an object"));
      }
      id = input.get("id");
      if (id != null && !id.isNull()) {
        where = where + " (id " + id.asText() + ")";
      }
      return output(id, verify(input, where));
    } catch (LineException e) {
      return output(id, e.decision);
    } catch (RuntimeException | StackOverflowError e) {
      return output(id, reject(CoreMessage.VALIDATION_ERROR, e.toString()));
    }
  }

  private TrustDecision verify(JsonNode input, String where) throws LineException {
    List<X509Certificate> anchors =
        certificates(input, "trustAnchors", where, policyAreas.isEmpty());
    List<X509Certificate> intermediates = certificates(input, "intermediates", where, false);
    JsonNode leafNode = input.get("leaf");
    if (leafNode == null || !leafNode.isTextual()) {
      throw new LineException(
          reject(CoreMessage.BATCH_FIELD_INVALID, where, "leaf", "a PEM string is required"));
    }
    X509Certificate leaf = certificate(leafNode.asText(), where, "leaf");
    Instant time = time(input.get("time"), where);
    Purpose purpose = purpose(input.get("purpose"), where);
    List<X509CRL> crls = crls(input, where);
    TrustPolicy linePolicy = policy;
    JsonNode depth = input.get("maxChainDepth");
    if (depth != null && !depth.isNull()) {
      if (!depth.canConvertToInt() || depth.asInt() < 0 || !depth.isIntegralNumber()) {
        throw new LineException(
            reject(
                CoreMessage.BATCH_FIELD_INVALID,
                where,
                "maxChainDepth",
                "the most intermediates allowed (a whole number, 0 or more) or null"));
      }
      linePolicy = linePolicy.withMaxChainDepth(depth.asInt());
    }
    List<X509Certificate> signers = new ArrayList<>(anchors);
    signers.addAll(intermediates);
    for (TrustArea area : policyAreas) {
      signers.addAll(area.anchors());
      signers.addAll(area.intermediates());
    }
    for (X509CRL crl : crls) {
      Optional<String> problem =
          CrlProfile.problem(crl, CrlProfile.signer(crl, signers).orElse(null));
      if (problem.isPresent()) {
        throw new LineException(
            reject(
                CoreMessage.CRL_PROFILE_BROKEN,
                where,
                crl.getIssuerX500Principal().getName(),
                problem.get()));
      }
    }
    Revocation revocation =
        crls.isEmpty()
            ? Revocation.off()
            : new Revocation(RevocationMode.SOFT_FAIL, false, CrlStore.of(crls));
    List<TrustArea> areas = new ArrayList<>();
    if (policyAreas.isEmpty()) {
      areas.add(new TrustArea("input", anchors, List.of(), linePolicy, revocation));
    } else {
      for (TrustArea area : policyAreas) {
        TrustArea a = area.withRevocation(crls.isEmpty() ? area.revocation() : revocation);
        areas.add(
            depth != null && !depth.isNull()
                ? a.withPolicy(a.policy().withMaxChainDepth(depth.asInt()))
                : a);
      }
    }
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    chain.addAll(intermediates);
    TrustDecision decision =
        new PkixTrustValidator(areas, Clock.fixed(time, ZoneOffset.UTC), DenyList.empty(), 0)
            .validate(chain, purpose);
    if (!decision.accepted()) {
      return decision;
    }
    return nameCheck(leaf, input.get("peerName"), where, decision);
  }

  private static TrustDecision nameCheck(
      X509Certificate leaf, JsonNode peer, String where, TrustDecision accepted)
      throws LineException {
    if (peer == null || peer.isNull()) {
      return accepted;
    }
    if (!peer.isObject() || !peer.path("kind").isTextual() || !peer.path("value").isTextual()) {
      throw new LineException(
          reject(
              CoreMessage.BATCH_FIELD_INVALID,
              where,
              "peerName",
              "null or {kind, value} with string values"));
    }
    String kind = peer.get("kind").asText();
    String value = peer.get("value").asText();
    List<String> names;
    boolean matched;
    switch (kind) {
      case "dns" -> {
        names = sans(leaf, SAN_DNS);
        matched = names.stream().anyMatch(n -> PeerNames.dnsMatches(n, value));
      }
      case "ip" -> {
        InetAddress wanted =
            PeerNames.ipLiteral(value)
                .orElseThrow(
                    () ->
                        new LineException(
                            reject(
                                CoreMessage.BATCH_FIELD_INVALID,
                                where,
                                "peerName.value",
                                "not an IP address")));
        names = sans(leaf, SAN_IP);
        matched =
            names.stream().map(PeerNames::ipLiteral).anyMatch(ip -> ip.equals(Optional.of(wanted)));
      }
      case "email" -> {
        names = sans(leaf, SAN_EMAIL);
        matched = names.stream().anyMatch(n -> PeerNames.emailMatches(n, value));
      }
      default ->
          throw new LineException(
              reject(
                  CoreMessage.BATCH_FIELD_INVALID,
                  where,
                  "peerName.kind",
                  "expected dns, ip or email"));
    }
    return matched
        ? accepted
        : TrustDecision.reject(
            CoreMessage.NAME_MISMATCH, leaf.getSubjectX500Principal().getName(), kind, value);
  }

  private static List<String> sans(X509Certificate leaf, int type) throws LineException {
    try {
      Collection<List<?>> all = leaf.getSubjectAlternativeNames();
      List<String> names = new ArrayList<>();
      if (all != null) {
        for (List<?> san : all) {
          if (san.size() >= 2
              && Integer.valueOf(type).equals(san.get(0))
              && san.get(1) instanceof String s) {
            names.add(s);
          }
        }
      }
      return names;
    } catch (CertificateParsingException e) {
      throw new LineException(TrustDecision.reject(CoreMessage.SAN_UNREADABLE, e.getMessage()));
    }
  }

  private static List<X509Certificate> certificates(
      JsonNode input, String field, String where, boolean required) throws LineException {
    JsonNode array = input.get(field);
    if (array == null || array.isNull()) {
      if (required) {
        throw new LineException(
            reject(
                CoreMessage.BATCH_FIELD_INVALID,
                where,
                field,
                "an array of PEM strings is required"));
      }
      return List.of();
    }
    if (!array.isArray()) {
      throw new LineException(
          reject(CoreMessage.BATCH_FIELD_INVALID, where, field, "must be an array of PEM strings"));
    }
    if (required && array.isEmpty()) {
      throw new LineException(
          reject(CoreMessage.BATCH_FIELD_INVALID, where, field, "must not be empty"));
    }
    List<X509Certificate> result = new ArrayList<>();
    for (JsonNode element : array) {
      if (!element.isTextual()) {
        throw new LineException(
            reject(CoreMessage.BATCH_FIELD_INVALID, where, field, "elements must be strings"));
      }
      result.add(certificate(element.asText(), where, field));
    }
    return result;
  }

  private static X509Certificate certificate(String text, String where, String field)
      throws LineException {
    try {
      List<X509Certificate> parsed = CertificateFiles.parse(bytes(text), field);
      if (parsed.size() != 1) {
        throw new LineException(
            reject(
                CoreMessage.BATCH_MATERIAL_UNREADABLE,
                where,
                field,
                "each element must hold exactly one certificate"));
      }
      return parsed.get(0);
    } catch (PortcullisException | IllegalArgumentException e) {
      throw new LineException(
          unreadableName(text)
              .orElseGet(
                  () ->
                      reject(CoreMessage.BATCH_MATERIAL_UNREADABLE, where, field, e.getMessage())));
    }
  }

  /**
   * The JDK refuses to parse some certificates because of a name in them (a URI host with a
   * trailing dot or a NUL): read such a certificate with Bouncy Castle and report the name, with
   * its own ID, rather than an unreadable certificate.
   */
  private static Optional<TrustDecision.Rejected> unreadableName(String text) {
    try {
      byte[] der;
      if (text.contains("-----BEGIN")) {
        try (PemReader pem = new PemReader(new StringReader(text))) {
          PemObject object = pem.readPemObject();
          if (object == null) {
            return Optional.empty();
          }
          der = object.getContent();
        }
      } else {
        der = bytes(text);
      }
      TBSCertificate tbs = Certificate.getInstance(der).getTBSCertificate();
      Extensions extensions = tbs.getExtensions();
      if (extensions == null) {
        return Optional.empty();
      }
      String written = tbs.getSubject().toString();
      String subject =
          written.isEmpty()
              ? "(serial " + tbs.getSerialNumber().getValue().toString(16) + ")"
              : written;
      GeneralNames names =
          GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      BasicConstraints basic = BasicConstraints.fromExtensions(extensions);
      Optional<TrustDecision.Rejected> nameProblem =
          names == null
              ? Optional.empty()
              : NameSyntax.check(subject, names, basic == null || !basic.isCA());
      ASN1Encodable constraints = extensions.getExtensionParsedValue(Extension.nameConstraints);
      return nameProblem.or(
          () ->
              constraints == null
                  ? Optional.empty()
                  : NameSyntax.checkConstraints(subject, NameConstraints.getInstance(constraints)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static List<X509CRL> crls(JsonNode input, String where) throws LineException {
    JsonNode array = input.get("crls");
    if (array == null || array.isNull()) {
      return List.of();
    }
    if (!array.isArray()) {
      throw new LineException(
          reject(
              CoreMessage.BATCH_FIELD_INVALID, where, "crls", "must be an array of PEM strings"));
    }
    List<X509CRL> result = new ArrayList<>();
    for (JsonNode element : array) {
      if (!element.isTextual()) {
        throw new LineException(
            reject(CoreMessage.BATCH_FIELD_INVALID, where, "crls", "elements must be strings"));
      }
      try {
        for (CRL crl :
            CertificateFactory.getInstance("X.509")
                .generateCRLs(new ByteArrayInputStream(bytes(element.asText())))) {
          if (crl instanceof X509CRL x509) {
            result.add(x509);
          }
        }
      } catch (java.security.cert.CRLException | CertificateException | RuntimeException e) {
        throw new LineException(
            reject(CoreMessage.BATCH_MATERIAL_UNREADABLE, where, "crls", e.toString()));
      }
    }
    return result;
  }

  /** PEM text as is; bare base64 is taken as DER. */
  private static byte[] bytes(String text) {
    if (text.contains("-----BEGIN")) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
    return Base64.getMimeDecoder().decode(text);
  }

  private static Instant time(JsonNode node, String where) throws LineException {
    if (node == null || node.isNull()) {
      return Instant.now();
    }
    try {
      if (!node.isTextual()) {
        throw new DateTimeParseException("not a string", node.toString(), 0);
      }
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new LineException(
          reject(CoreMessage.BATCH_FIELD_INVALID, where, "time", "an ISO-8601 instant or null"));
    }
  }

  private static Purpose purpose(JsonNode node, String where) throws LineException {
    if (node == null || node.isNull()) {
      return Purpose.CLIENT;
    }
    return switch (node.asText()) {
      case "client" -> Purpose.CLIENT;
      case "server" -> Purpose.SERVER;
      default ->
          throw new LineException(
              reject(CoreMessage.BATCH_FIELD_INVALID, where, "purpose", "client or server"));
    };
  }

  private static TrustDecision.Rejected reject(MessageId id, Object... args) {
    return TrustDecision.reject(id, args);
  }

  private static String output(JsonNode id, TrustDecision decision) {
    ObjectNode out = JSON.createObjectNode();
    if (id == null) {
      out.putNull("id");
    } else {
      out.set("id", id);
    }
    out.put("result", decision.accepted() ? "ACCEPT" : "REJECT");
    if (decision instanceof TrustDecision.Rejected rejected) {
      out.put("reason", rejected.reason());
    } else {
      out.putNull("reason");
    }
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      return "{\"id\":null,\"result\":\"REJECT\",\"reason\":"
          + "\""
          + CoreMessage.VALIDATION_ERROR.format("output").replace("\"", "'")
          + "\"}";
    }
  }

  /** A line's rejection, thrown from deep inside the parsing helpers. */
  private static final class LineException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient TrustDecision decision;

    LineException(TrustDecision decision) {
      super(decision.explain(), null, false, false);
      this.decision = decision;
    }
  }
}
