package org.scoresde.data;

import java.util.Iterator;

/** An iterator over an open file: close it when done early; it closes itself once exhausted. */
public interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {
  @Override
  void close();
}
