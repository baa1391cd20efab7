package io.portcullis.ca;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.PortcullisException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The append-only audit log: one JSON object per line, forced to disk before the operation it
 * records is reported done. Entries are never rewritten. Fields: {@code time}, {@code event} (init,
 * area-create, area-retire, register, token, issue, renew, revoke, crl, refuse), {@code operator},
 * {@code workload}, {@code area}, {@code serial}, {@code sha256}, {@code previous}, {@code
 * messageId}, {@code detail}.
 */
final class AuditLog {
  private final Path file;
  private final ObjectMapper json;

  AuditLog(Path file, ObjectMapper json) {
    this.file = file;
    this.json = json;
  }

  /**
   * One audit entry; null fields are left out. Made by the factory named for its event, so each
   * event always fills the same fields.
   */
  record Entry(
      Instant time,
      String event,
      String operator,
      String workload,
      String area,
      String serial,
      String sha256,
      String previous,
      String messageId,
      String detail) {

    /** The root ceremony: the root certificate's serial and fingerprint. */
    static Entry init(Instant time, String operator, String serial, String sha256, String detail) {
      return new Entry(time, "init", operator, null, null, serial, sha256, null, null, detail);
    }

    /** A new area and its intermediate. */
    static Entry areaCreated(
        Instant time, String operator, String area, String serial, String sha256, String detail) {
      return new Entry(
          time, "area-create", operator, null, area, serial, sha256, null, null, detail);
    }

    /** A retired area; serial and fingerprint are its intermediate's, now revoked. */
    static Entry areaRetired(
        Instant time, String operator, String area, String serial, String sha256, String detail) {
      return new Entry(
          time, "area-retire", operator, null, area, serial, sha256, null, null, detail);
    }

    /**
     * A root rollover step ({@code root-next}, {@code root-activate}, {@code root-retire}): serial
     * and fingerprint are the root certificate the step is about.
     */
    static Entry rootRollover(
        Instant time, String event, String operator, String serial, String sha256, String detail) {
      return new Entry(time, event, operator, null, null, serial, sha256, null, null, detail);
    }

    /** A CRL re-signed: an area's, or the root's ({@code area} "root"). */
    static Entry crl(Instant time, String operator, String area, String detail) {
      return new Entry(time, "crl", operator, null, area, null, null, null, null, detail);
    }

    /** A vetted workload registered, with what was approved. */
    static Entry registered(
        Instant time, String operator, String workload, String area, String detail) {
      return new Entry(time, "register", operator, workload, area, null, null, null, null, detail);
    }

    /** A fresh join token for a registered workload. */
    static Entry joinToken(
        Instant time, String operator, String workload, String area, String detail) {
      return new Entry(time, "token", operator, workload, area, null, null, null, null, detail);
    }

    /**
     * A certificate issued: a first issuance ({@code issue}) when {@code previous} is null, else a
     * renewal ({@code renew}) of the certificate with that fingerprint.
     */
    static Entry issued(
        Instant time,
        String operator,
        String workload,
        String area,
        String serial,
        String sha256,
        String previous,
        String detail) {
      return new Entry(
          time,
          previous == null ? "issue" : "renew",
          operator,
          workload,
          area,
          serial,
          sha256,
          previous,
          null,
          detail);
    }

    /** A certificate revoked; {@code previous} is the one it had renewed, if any. */
    static Entry revoked(
        Instant time,
        String operator,
        String workload,
        String area,
        String serial,
        String sha256,
        String previous,
        String detail) {
      return new Entry(
          time, "revoke", operator, workload, area, serial, sha256, previous, null, detail);
    }

    /** A refused operation, with the message ID of the reason; it changed nothing else. */
    static Entry refused(
        Instant time,
        String operator,
        String workload,
        String area,
        String messageId,
        String detail) {
      return new Entry(
          time, "refuse", operator, workload, area, null, null, null, messageId, detail);
    }
  }

  void append(Entry entry) throws PortcullisException {
    ObjectNode node = json.createObjectNode();
    node.put("time", entry.time().toString());
    node.put("event", entry.event());
    put(node, "operator", entry.operator());
    put(node, "workload", entry.workload());
    put(node, "area", entry.area());
    put(node, "serial", entry.serial());
    put(node, "sha256", entry.sha256());
    put(node, "previous", entry.previous());
    put(node, "messageId", entry.messageId());
    put(node, "detail", entry.detail());
    try {
      AtomicFiles.appendLine(file, json.writeValueAsString(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit entry always serializes", e);
    } catch (IOException e) {
      throw CaMessage.WRITE_FAILED.causedBy(e, file, e.getMessage());
    }
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
