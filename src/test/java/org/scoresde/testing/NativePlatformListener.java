package org.scoresde.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.scoresde.nn.OneDnn;

/** Chooses libnd4j's native build for the test JVM the way the launcher does, before any test loads ND4J. */
public final class NativePlatformListener implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    OneDnn.selectPlatform();
  }
}
