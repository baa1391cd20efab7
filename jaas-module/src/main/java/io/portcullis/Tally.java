package io.portcullis;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A count that request threads add to without an atomic instruction, for counting on the hot path
 * where even an uncontended {@link LongAdder} (a locked compare-and-swap) costs several percent of
 * a cached decision.
 *
 * <p>Each thread that counts claims, once, the slot its thread ID falls in and from then on only
 * writes its own slot: a plain read and a release write (on x86 an ordinary store), which no other
 * thread ever writes, so no count is lost. Whatever the thread wrote before a count is visible to a
 * reader that sees the count. A thread whose slot another thread holds counts in a shared {@link
 * LongAdder} instead. Thread IDs are never reused, so a slot stays with its thread (and keeps that
 * thread's count) after it ends. {@link #sum} adds every slot and the shared count; a count a
 * thread has just made shows in it soon after, not necessarily at once.
 */
public final class Tally {
  private static final int SLOTS = 256;
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Slot[].class);

  private final Slot[] slots = new Slot[SLOTS];
  private final LongAdder shared = new LongAdder();

  /** Adds one. */
  public void increment() {
    long thread = Thread.currentThread().getId();
    Slot slot = slots[(int) thread & (SLOTS - 1)];
    if (slot != null && slot.owner == thread) {
      slot.add();
    } else {
      claimOrShare(thread);
    }
  }

  private void claimOrShare(long thread) {
    int index = (int) thread & (SLOTS - 1);
    Slot mine = new Slot(thread);
    if (SLOT.compareAndSet(slots, index, null, mine)) {
      mine.add();
    } else {
      shared.increment();
    }
  }

  /** Everything counted so far. */
  public long sum() {
    long sum = shared.sum();
    for (int i = 0; i < SLOTS; i++) {
      Slot slot = (Slot) SLOT.getAcquire(slots, i);
      if (slot != null) {
        sum += slot.value();
      }
    }
    return sum;
  }

  /**
   * One thread's count. Made by its own thread, so it lies in that thread's allocation buffer, away
   * from other threads' slots.
   */
  private static final class Slot {
    private static final VarHandle COUNT;

    static {
      try {
        COUNT = MethodHandles.lookup().findVarHandle(Slot.class, "count", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final long owner;
    private long count;

    Slot(long owner) {
      this.owner = owner;
    }

    /** Only ever called by the owner, so the plain read sees every earlier write. */
    void add() {
      COUNT.setRelease(this, count + 1);
    }

    long value() {
      return (long) COUNT.getAcquire(this);
    }
  }
}
