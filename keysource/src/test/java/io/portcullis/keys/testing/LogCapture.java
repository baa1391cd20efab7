package io.portcullis.keys.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what the {@code io.portcullis} loggers write, to prove what is and is not logged. */
public final class LogCapture extends Handler implements AutoCloseable {
  private final Logger logger = Logger.getLogger("io.portcullis");
  private final List<String> lines = new ArrayList<>();
  private final Level previous;

  public LogCapture() {
    previous = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        line.append(' ').append(parameter);
      }
    }
    for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
      line.append(' ').append(t);
    }
    lines.add(line.toString());
  }

  public synchronized String text() {
    return String.join("\n", lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(previous);
  }
}
