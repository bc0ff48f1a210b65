package org.scoresde.data;

import java.io.Serializable;

/**
 * The examples at positions {@code from} to {@code to - 1} of an input's seeded shuffle (the shard order of
 * {@link ShardPermutation}), renumbered from 0. With one seed, slices that do not overlap select disjoint
 * random subsets of the input: {@code 0:55000} and {@code 55000:60000} of a 60 000-example training file are
 * a training set and a validation set the model never sees.
 */
public record Slice(long from, long to) implements Serializable {
  public Slice {
    if (from < 0 || to <= from) {
      throw new IllegalArgumentException("a slice FROM:TO needs 0 <= FROM < TO, got " + from + ":" + to);
    }
  }

  /** Parses {@code FROM:TO}; an {@link IllegalArgumentException} says what is wrong. */
  public static Slice parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected FROM:TO (e.g. 55000:60000), got '" + text + "'");
    }
    try {
      return new Slice(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected FROM:TO with whole numbers (e.g. 55000:60000), got '" + text + "'");
    }
  }

  /** The number of examples the slice keeps. */
  public long size() {
    return to - from;
  }

  /** Whether an input of {@code count} examples holds the whole slice. */
  public boolean fitsIn(long count) {
    return to <= count;
  }

  /** Whether a shuffle position falls in the slice. */
  public boolean contains(long position) {
    return position >= from && position < to;
  }

  @Override
  public String toString() {
    return from + ":" + to;
  }
}
