package io.portcullis.rules;

/**
 * The text a regular expression runs over, counting every character the engine reads and stopping
 * it past a budget: Java's backtracking engine can take exponential time on patterns such as {@code
 * (a+)+b}, and a rule must answer in bounded time whatever value a certificate carries.
 */
final class BoundedText implements CharSequence {
  /** Thrown inside the engine when the budget is spent. */
  static final class BudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BudgetExceeded() {
      super("the regular expression needed more than " + STEPS + " steps", null, false, false);
    }
  }

  /** Characters read per match: linear patterns over the longest value need a few times 4,096. */
  static final int STEPS = 200_000;

  private final String text;
  private final int[] steps;

  BoundedText(String text) {
    this(text, new int[] {0});
  }

  private BoundedText(String text, int[] steps) {
    this.text = text;
    this.steps = steps;
  }

  @Override
  public char charAt(int index) {
    if (++steps[0] > STEPS) {
      throw new BudgetExceeded();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return new BoundedText(text.substring(start, end), steps);
  }

  @Override
  public String toString() {
    return text;
  }
}
