package org.scoresde.train;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.scoresde.config.UserError;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.data.DataTransform;
import org.scoresde.model.ModelFile;
import org.scoresde.model.ModelMetadata;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;

/**
 * The trained model a run starts from with {@code train --init} (fine-tuning, e.g. FP-Diffusion's
 * protocol): its weights are copied into the run's freshly built training graph, which keeps its own
 * optimizer, loss and schedule. Refused unless the model's network, data shape, SDE and data
 * transform are the ones the run builds.
 */
public final class InitialModel {
  private final String path;
  private final ModelFile.Model model;

  private InitialModel(String path, ModelFile.Model model) {
    this.path = path;
    this.model = model;
  }

  /** Reads a model.zip (any Hadoop path); a file that is not a score-sde model is a UserError. */
  public static InitialModel read(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      return new InitialModel(path, HadoopModelFiles.open(HadoopModelFiles.read(p.getFileSystem(conf), p), path));
    } catch (java.io.IOException e) {
      throw new UserError("--init " + path + ": " + e.getMessage());
    }
  }

  /** Checks that the model matches what the run builds, then sets {@code fresh}'s parameters to its weights. */
  public void copyInto(ComputationGraph fresh, Sde sde, DataTransform transform, ScoreNetworkConfig network) {
    ModelMetadata meta = model.metadata();
    List<String> diff = new ArrayList<>();
    if (!meta.sdeName().equals(sde.name()) || !meta.sdeParameters().equals(sde.parameters())) {
      diff.add("sde " + meta.sdeName() + meta.sdeParameters() + " vs " + sde.name() + sde.parameters());
    }
    if (!meta.dataTransform().equals(transform)) {
      diff.add("data transform " + meta.dataTransform() + " vs " + transform);
    }
    // the seed only drew the initial weights and dropout is a training setting: neither is architecture
    diff.addAll(differences(meta.network().withSeed(0).withDropout(0), network.withSeed(0).withDropout(0)));
    long have = model.graph().numParams();
    if (diff.isEmpty() && have != fresh.numParams()) {
      diff.add("parameters " + have + " vs " + fresh.numParams());
    }
    if (!diff.isEmpty()) {
      throw new UserError("--init " + path + " does not match the network this run builds (model vs run): "
          + String.join("; ", diff));
    }
    ScoreNetworkBuilder.withParameters(fresh, model.graph().paramTable());
  }

  private static List<String> differences(ScoreNetworkConfig a, ScoreNetworkConfig b) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : ScoreNetworkConfig.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!x.equals(y)) {
          out.add("net " + c.getName() + " " + x + " vs " + y);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
