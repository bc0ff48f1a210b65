package org.scoresde.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import org.scoresde.config.UserError;
import org.scoresde.fp.HeldOutResidual;
import org.scoresde.fp.ScoreFokkerPlanckResidual;
import org.scoresde.model.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fp-residual}: the held-out score Fokker-Planck residual of a model file on the rows of a CSV file. */
@Command(name = "fp-residual", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Measure how far a trained score is from solving its own Fokker-Planck equation on held-out points:",
      "the rows of --data (vectors, one per line, comma-separated) noised to times spread over [--t-min, 1],",
      "the residual by vector-Jacobian products and exact traces in double precision, with grad div s by a",
      "central difference of --probe-step sigma_t. Prints one JSON line: n, t_min, probe_step, mean_penalty",
      "(mean of g^2 |R|^2 / D^2), median_relative, mean_penalty_early / _late (t below / above the median),",
      "rms_terms (d_t s, drift, (g^2/2) grad div s, g^2 J^T s). Runs in this JVM (no Spark); docs/fp-diffusion.md."})
public final class FpResidualCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The model file (.zip) of a vector model.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "CSV", description = "Held-out vectors, one per line.")
  Path data;

  @Option(names = "--t-min", paramLabel = "T", description = "Smallest diffusion time (default: ${DEFAULT-VALUE}).")
  double tMin = 0.01;

  @Option(names = "--probe-step", paramLabel = "H", description = "Step of grad div s, in units of sigma_t (default: ${DEFAULT-VALUE}).")
  double probeStep = ScoreFokkerPlanckResidual.DEFAULT_PROBE_STEP;

  @Option(names = "--seed", description = "Seed of the noise and times (default: ${DEFAULT-VALUE}).")
  long seed = 2023L;

  @Override
  public Integer call() throws IOException {
    if (!(tMin > 0 && tMin < 1) || !(probeStep > 0)) {
      throw new UserError("--t-min must lie in (0, 1) and --probe-step be positive, got " + tMin + " and " + probeStep);
    }
    ModelFile.Model m = ModelFile.load(model);
    List<double[]> rows = readRows(data);
    if (rows.isEmpty()) {
      throw new UserError(data + " holds no rows");
    }
    HeldOutResidual.Result r = HeldOutResidual.of(HeldOutResidual.doublePrecision(m),
        Nd4j.create(rows.toArray(new double[0][])), tMin, probeStep, seed);
    System.out.printf(Locale.ROOT, "{\"n\": %d, \"t_min\": %s, \"probe_step\": %s, \"mean_penalty\": %.6g, "
        + "\"median_relative\": %.6g, \"mean_penalty_early\": %.6g, \"mean_penalty_late\": %.6g, "
        + "\"rms_terms\": [%.4g, %.4g, %.4g, %.4g]}%n", r.n(), tMin, probeStep, r.meanPenalty(), r.medianRelative(),
        r.meanPenaltyEarly(), r.meanPenaltyLate(), r.rmsTimeDerivative(), r.rmsDrift(), r.rmsDivergence(), r.rmsSquaredNorm());
    return 0;
  }

  private static List<double[]> readRows(Path csv) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (NoSuchFileException e) {
      throw new UserError("--data " + csv + " does not exist");
    }
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String[] f = lines.get(i).split(",");
      double[] v = new double[f.length];
      try {
        for (int j = 0; j < f.length; j++) {
          v[j] = Double.parseDouble(f[j].trim());
        }
      } catch (NumberFormatException e) {
        throw new UserError(csv + " line " + (i + 1) + ": not a number (" + e.getMessage() + ")");
      }
      rows.add(v);
    }
    return rows;
  }
}
