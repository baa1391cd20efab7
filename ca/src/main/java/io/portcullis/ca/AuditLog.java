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

  /** One audit entry; null fields are left out. */
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
      String detail) {}

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
      throw new PortcullisException(e, "PRTC0404E", file, e.getMessage());
    }
  }

  private static void put(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
