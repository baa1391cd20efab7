package io.portcullis.ca;

import io.portcullis.Daemons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The public side of {@code ca serve}: it takes each connection before the JDK's HTTPS server does,
 * so that no client can hold the server's workers with connections it keeps slow.
 *
 * <ul>
 *   <li>At most {@code perAddress} connections from one client address, and {@code total} in all,
 *       are open at once; one more is closed as soon as it is accepted.
 *   <li>A connection is handed on only once its first TLS record (the ClientHello) has arrived
 *       whole, within {@code handshakeTimeout}; until then it holds no worker of the HTTPS server,
 *       only a thread of the gate. A connection that sends anything but a TLS handshake record is
 *       closed.
 *   <li>Then its bytes are relayed, unchanged, to the HTTPS server on the loopback address: TLS
 *       runs end to end between the client and that server, which knows the client's address by
 *       {@link #client}.
 * </ul>
 *
 * A process on this host could reach the HTTPS server's loopback port directly; the server answers
 * nothing to a connection the gate did not hand on ({@link #client} is empty for it).
 */
final class ConnectionGate implements AutoCloseable {
  /** The largest TLS record a ClientHello may come in (2^14 plus room for expansion). */
  private static final int MAX_RECORD = 16384 + 2048;

  private static final int TLS_HANDSHAKE = 0x16;
  private static final int TLS_MAJOR = 0x03;

  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final int perAddress;
  private final int total;
  private final Duration handshakeTimeout;
  private final ExecutorService threads = Daemons.pool("portcullis-ca-gate");
  private final ScheduledExecutorService deadlines =
      Daemons.scheduler("portcullis-ca-gate-deadline");

  /** Open connections per client address, and their sum; guarded by {@code this}. */
  private final Map<InetAddress, Integer> open = new HashMap<>();

  private int openTotal;

  /** The client of each relayed connection, by the local port of its loopback connection. */
  private final Map<Integer, InetSocketAddress> clients = new ConcurrentHashMap<>();

  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong turnedAway = new AtomicLong();
  private volatile boolean closed;

  private ConnectionGate(
      ServerSocket listener,
      InetSocketAddress upstream,
      int perAddress,
      int total,
      Duration handshakeTimeout) {
    this.listener = listener;
    this.upstream = upstream;
    this.perAddress = perAddress;
    this.total = total;
    this.handshakeTimeout = handshakeTimeout;
  }

  /** Listens on {@code address} and relays to the HTTPS server at {@code upstream}. */
  static ConnectionGate open(
      InetSocketAddress address,
      InetSocketAddress upstream,
      int perAddress,
      int total,
      Duration handshakeTimeout)
      throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(address, 128);
    ConnectionGate gate =
        new ConnectionGate(listener, upstream, perAddress, total, handshakeTimeout);
    Thread acceptor = new Thread(gate::accept, "portcullis-ca-gate-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return gate;
  }

  /** The bound port. */
  int port() {
    return listener.getLocalPort();
  }

  /** How many connections were closed at once for being over a limit. */
  long turnedAway() {
    return turnedAway.get();
  }

  /**
   * The client a connection of the HTTPS server, seen from {@code remote}, was relayed for; empty
   * when the gate did not hand it on.
   */
  Optional<InetSocketAddress> client(InetSocketAddress remote) {
    if (remote == null || !remote.getAddress().isLoopbackAddress()) {
      return Optional.empty();
    }
    return Optional.ofNullable(clients.get(remote.getPort()));
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue; // one failed accept (the client gave up): the next one
      }
      InetAddress address = socket.getInetAddress();
      if (!admit(address)) {
        turnedAway.incrementAndGet();
        refuseAtOnce(socket);
        continue;
      }
      sockets.add(socket);
      try {
        threads.execute(() -> relay(socket, address));
      } catch (RuntimeException e) {
        release(address);
        sockets.remove(socket);
        refuseAtOnce(socket);
      }
    }
  }

  private synchronized boolean admit(InetAddress address) {
    int fromAddress = open.getOrDefault(address, 0);
    if (fromAddress >= perAddress || openTotal >= total) {
      return false;
    }
    open.put(address, fromAddress + 1);
    openTotal++;
    return true;
  }

  private synchronized void release(InetAddress address) {
    open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
    openTotal--;
  }

  private void relay(Socket client, InetAddress address) {
    try {
      byte[] first = firstRecord(client);
      if (first.length == 0) {
        return;
      }
      try (Socket server = new Socket()) {
        sockets.add(server);
        server.connect(upstream, (int) handshakeTimeout.toMillis());
        server.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
        int port = server.getLocalPort();
        clients.put(port, (InetSocketAddress) client.getRemoteSocketAddress());
        try {
          server.getOutputStream().write(first);
          server.getOutputStream().flush();
          // The server's answers on another thread; whichever side ends first closes both.
          threads.execute(() -> copyThenClose(server, client));
          copyThenClose(client, server);
        } finally {
          clients.remove(port);
          sockets.remove(server);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the client or the server went away: nothing to answer
    } finally {
      closeQuietly(client);
      sockets.remove(client);
      release(address);
    }
  }

  /**
   * The client's first TLS record, read whole within the handshake deadline; empty when it sends
   * something else, or too slowly.
   */
  private byte[] firstRecord(Socket client) {
    ScheduledFuture<?> deadline =
        deadlines.schedule(
            () -> closeQuietly(client), handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      InputStream in = client.getInputStream();
      byte[] header = in.readNBytes(5);
      if (header.length < 5
          || (header[0] & 0xff) != TLS_HANDSHAKE
          || (header[1] & 0xff) != TLS_MAJOR) {
        return new byte[0];
      }
      int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
      if (length == 0 || length > MAX_RECORD) {
        return new byte[0];
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return new byte[0];
      }
      byte[] record = new byte[5 + length];
      System.arraycopy(header, 0, record, 0, 5);
      System.arraycopy(body, 0, record, 5, length);
      return record;
    } catch (IOException e) {
      return new byte[0]; // closed at the deadline, or by the client
    } finally {
      deadline.cancel(false);
    }
  }

  private static void copyThenClose(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) != -1) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // a reset or a close from the other direction ends this one too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Closes with a reset, so the client learns at once and nothing lingers. */
  private static void refuseAtOnce(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // closed below either way
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // already closed
    }
    sockets.forEach(ConnectionGate::closeQuietly);
    threads.shutdownNow();
    deadlines.shutdownNow();
  }
}
