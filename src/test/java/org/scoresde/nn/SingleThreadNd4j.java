package org.scoresde.nn;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Runs a test class with ND4J limited to one thread, then restores the previous limits. The tests'
 * networks are tiny, so each native op is short and a second thread only adds synchronisation;
 * when other processes share the cores, the waits of two OpenMP threads made these tests 5 to 15
 * times slower.
 */
public final class SingleThreadNd4j implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SingleThreadNd4j.class);

  private record Limits(int maxThreads, int maxMasterThreads, int ompThreads) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    Environment env = Nd4j.getEnvironment();
    NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
    context.getStore(NS).put(Limits.class, new Limits(env.maxThreads(), env.maxMasterThreads(), ops.ompGetMaxThreads()));
    env.setMaxThreads(1);
    env.setMaxMasterThreads(1);
    ops.setOmpNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Limits previous = context.getStore(NS).remove(Limits.class, Limits.class);
    if (previous != null) {
      Environment env = Nd4j.getEnvironment();
      env.setMaxThreads(previous.maxThreads());
      env.setMaxMasterThreads(previous.maxMasterThreads());
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(previous.ompThreads());
    }
  }
}
