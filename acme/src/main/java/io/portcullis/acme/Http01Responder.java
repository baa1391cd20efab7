package io.portcullis.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers http-01 challenges (RFC 8555 section 8.3) on one port while an order waits: {@code GET
 * /.well-known/acme-challenge/TOKEN} gets the key authorization of a token this responder was
 * given, anything else 404. It listens only between the order's first pending authorization and the
 * end of that renewal attempt.
 */
final class Http01Responder implements AutoCloseable {
  private static final String PREFIX = "/.well-known/acme-challenge/";

  private final HttpServer server;
  private final Map<String, String> answers = new ConcurrentHashMap<>();

  private Http01Responder(HttpServer server) {
    this.server = server;
  }

  static Http01Responder start(int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
    Http01Responder responder = new Http01Responder(server);
    server.createContext("/", responder::handle);
    server.start();
    return responder;
  }

  void answer(String token, String keyAuthorization) {
    answers.put(token, keyAuthorization);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String answer =
          "GET".equals(exchange.getRequestMethod()) && path.startsWith(PREFIX)
              ? answers.get(path.substring(PREFIX.length()))
              : null;
      if (answer == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = answer.getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
