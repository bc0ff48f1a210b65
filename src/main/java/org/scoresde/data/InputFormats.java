package org.scoresde.data;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;

/** Plans the reading of an input in the requested format (see each format's class for its rules). */
public final class InputFormats {
  private InputFormats() {}

  public static PlannedInput<?> plan(InputRequest req, Configuration conf, ParallelMap pm) throws IOException {
    return switch (req.format()) {
      case IDX -> IdxInput.plan(req, conf, pm);
      case CIFAR10 -> Cifar10Input.plan(req, conf, pm);
      case IMAGES -> ImageFolderInput.plan(req, conf, pm);
      case CSV -> CsvInput.plan(req, conf, pm);
    };
  }
}
