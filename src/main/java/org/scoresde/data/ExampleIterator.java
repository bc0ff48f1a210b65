package org.scoresde.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.NoSuchElementException;

/**
 * Base of the readers' iterators: subclasses produce the next example (null at the end) and release
 * their streams in {@link #release()}, which runs exactly once, at the end, on an error, or on close.
 */
abstract class ExampleIterator implements CloseableIterator<Example> {
  private Example next;
  private boolean done;
  private boolean released;

  /** The next example, or null when there is none. */
  protected abstract Example compute() throws IOException;

  /** Closes the streams. */
  protected abstract void release() throws IOException;

  @Override
  public final boolean hasNext() {
    if (next == null && !done) {
      try {
        next = compute();
      } catch (IOException e) {
        close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      if (next == null) {
        done = true;
        close();
      }
    }
    return next != null;
  }

  @Override
  public final Example next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Example e = next;
    next = null;
    return e;
  }

  @Override
  public final void close() {
    done = true;
    if (!released) {
      released = true;
      try {
        release();
      } catch (IOException ignored) {
        // closing an input stream that was read from: nothing left to lose
      }
    }
  }
}
