package org.scoresde.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scoresde.sampling.SamplerSettings;
import org.scoresde.spark.SampleJob;
import org.scoresde.spark.SdeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sample}: generate samples across executors with a reverse-SDE or probability-flow sampler. */
@Command(name = "sample", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Generate N samples across executors. Samplers: euler-maruyama, pc (reverse diffusion + Langevin corrector),",
      "ode-euler, heun, dopri5 (adaptive; --steps is ignored), dpm-solver (exponential integrator), ddim.",
      "Schedules: uniform, edm (rho = 7), logsnr, gits (dynamic programming over a fine teacher trajectory).",
      "Writes OUT/samples.png (images) or OUT/samples.csv (vectors) and OUT/sample.json; with --trajectory also",
      "the sampling and denoising (x0_hat) trajectories of the first samples."})
public final class SampleCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--model", required = true, paramLabel = "M", description = "A trained model.zip, or gmm:FILE.json (needs --sde).")
  String model;

  @Option(names = "--sde", paramLabel = "NAME", description = "vp | subvp | ve: the SDE of a gmm: model.")
  String sde;

  @Option(names = "--n", paramLabel = "N", description = "Number of samples (default: sample.n).")
  Integer n;

  @Option(names = "--sampler", paramLabel = "NAME", description = "Sampler (default: sample.sampler).")
  String sampler;

  @Option(names = "--steps", paramLabel = "K", description = "Time steps (default: sample.steps).")
  Integer steps;

  @Option(names = "--schedule", paramLabel = "NAME", description = "Time grid (default: sample.schedule).")
  String schedule;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(names = "--trajectory", description = "Also write the sampling and denoising trajectories.")
  boolean trajectory;

  @Option(names = "--overwrite", description = "Replace an existing --out.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Settings s = common.settings();
    Map<String, Object> knobs = new HashMap<>();
    knobs.put("snr", s.getDouble("sample.snr"));
    knobs.put("corrector_steps", s.getInt("sample.corrector-steps"));
    knobs.put("dpm_order", s.getInt("sample.dpm-order"));
    knobs.put("eta", s.getDouble("sample.ddim-eta"));
    SamplerSettings settings;
    try {
      settings = SamplerSettings.fromMap(knobs);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    var req = new SampleJob.Request(model, sde == null ? null : SdeSettings.sde(sde, s),
        n != null ? n : s.getInt("sample.n"),
        sampler != null ? sampler : s.getString("sample.sampler"),
        steps != null ? steps : s.getInt("sample.steps"),
        schedule != null ? schedule : s.getString("sample.schedule"),
        s.getDouble("sample.eps"), settings, s.getDouble("sample.ode-tolerance"), s.getInt("sample.gits-teacher-steps"), out, trajectory,
        s.getInt("sample.batch-size"), overwrite);
    new SampleJob(common.master(), s.getLong("seed")).run(req);
    return 0;
  }
}
