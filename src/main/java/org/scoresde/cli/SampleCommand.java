package org.scoresde.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.scoresde.config.Settings;
import org.scoresde.config.UserError;
import org.scoresde.sampling.SamplerSettings;
import org.scoresde.spark.EncodeJob;
import org.scoresde.spark.SampleJob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sample}: generate samples across executors with a reverse-SDE or probability-flow sampler
 * (optionally scored by the Frechet distance against reference images), or with {@code --encode}
 * map data to latents and back with the probability-flow ODE and decode slerp interpolations.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
    modelTransformer = SamplerCatalogue.class,
    description = {
      "Generate N samples across executors with one of the samplers on one of the time schedules listed below.",
      "Writes OUT/samples.png (images) or OUT/samples.csv (vectors) and OUT/sample.json; with --trajectory also",
      "the sampling and denoising (x0_hat) trajectories of the first samples. With --reference (28x28 grey models)",
      "sample.json also gets the Frechet distance between classifier features of the samples and the reference;",
      "with --training, each sample's distance to its nearest training example beside that of held-out examples.",
      "",
      "With --encode DATA it samples nothing: the probability-flow ODE (RK4 on the --schedule grid of --steps)",
      "carries the first --limit examples of DATA to noise and back, writing OUT/latents.csv (index, label, z...),",
      "OUT/encode.json (reconstruction error) and for images OUT/reconstructions.png; --interpolate I,J also decodes",
      "--frames points of the slerp between the latents of examples I and J (OUT/interpolation.png or .csv).",
      ""})
public final class SampleCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Mixin ModelOptions model;

  @Mixin OutputOptions output;

  @Option(names = "--steps", paramLabel = "K", description = "Time steps (default: sample.steps; with --encode sample.encode-steps).")
  Integer steps;

  @Option(names = "--schedule", paramLabel = "NAME", description = "Time grid, one of the schedules above (default: sample.schedule).")
  String schedule;

  @ArgGroup(exclusive = false, validate = false, heading = "%nSampling (the default mode):%n")
  Sampling sampling = new Sampling();

  @ArgGroup(exclusive = false, validate = false, heading = "%nEncoding (--encode DATA):%n")
  Encoding encoding = new Encoding();

  /** Options of sample generation. */
  static final class Sampling {
    @Option(names = "--n", paramLabel = "N", description = "Number of samples (default: sample.n).")
    Integer n;

    @Option(names = "--sampler", paramLabel = "NAME", description = "Sampler, one of those above (default: sample.sampler).")
    String sampler;

    @Option(names = "--trajectory", description = "Also write the sampling and denoising trajectories.")
    boolean trajectory;

    @Option(names = "--reference", paramLabel = "DATA", description = "Shards of 28x28 grey reference images (e.g. the Fashion-MNIST "
        + "test set): report the Frechet distance of the samples to them (default: none).")
    String reference;

    @Option(names = "--training", paramLabel = "DATA", description = "The model's training shards: report each sample's distance to its "
        + "nearest training example beside that of held-out examples (--held-out, else --reference), to tell generalizing "
        + "from memorizing (default: none).")
    String training;

    @Option(names = "--held-out", paramLabel = "DATA", description = "Held-out shards for --training's comparison (default: --reference).")
    String heldOut;
  }

  /** Options of deterministic encoding and interpolation. */
  static final class Encoding {
    @Option(names = "--encode", paramLabel = "DATA", description = "Encode examples of this shard directory instead of sampling.")
    String encode;

    @Option(names = "--limit", paramLabel = "N", description = "Encode the examples with index < N (default: sample.encode-limit).")
    Long limit;

    @Option(names = "--interpolate", paramLabel = "I,J", description = "Decode the slerp between the latents of examples I and J.")
    String interpolate;

    @Option(names = "--frames", paramLabel = "K", description = "Points on the interpolation path, ends included (default: sample.frames).")
    Integer frames;
  }

  @Override
  public Integer call() throws Exception {
    Settings s = common.settings();
    if (encoding.encode != null) {
      return encode(s);
    }
    List<String> encodeOnly = new ArrayList<>();
    if (encoding.limit != null) {
      encodeOnly.add("--limit");
    }
    if (encoding.interpolate != null) {
      encodeOnly.add("--interpolate");
    }
    if (encoding.frames != null) {
      encodeOnly.add("--frames");
    }
    if (!encodeOnly.isEmpty()) {
      throw new UserError(String.join(", ", encodeOnly) + " applies only with --encode DATA");
    }
    if (sampling.heldOut != null && sampling.training == null) {
      throw new UserError("--held-out applies only with --training DATA");
    }
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
    var req = new SampleJob.Request(model.model(), model.sde(s),
        sampling.n != null ? sampling.n : s.getInt("sample.n"),
        sampling.sampler != null ? sampling.sampler : s.getString("sample.sampler"),
        steps != null ? steps : s.getInt("sample.steps"),
        schedule != null ? schedule : s.getString("sample.schedule"),
        s.getDouble("sample.eps"), settings, s.getDouble("sample.ode-tolerance"), s.getInt("sample.gits-teacher-steps"), output.out(),
        sampling.trajectory, s.getInt("sample.batch-size"), output.overwrite(),
        sampling.reference, s.getBoolean("sample.denoise-final"), sampling.training, sampling.heldOut);
    new SampleJob(common.master(), s.getLong("seed")).run(req);
    return 0;
  }

  private Integer encode(Settings s) throws Exception {
    List<String> sampleOnly = new ArrayList<>();
    if (sampling.n != null) {
      sampleOnly.add("--n");
    }
    if (sampling.sampler != null) {
      sampleOnly.add("--sampler");
    }
    if (sampling.trajectory) {
      sampleOnly.add("--trajectory");
    }
    if (sampling.reference != null) {
      sampleOnly.add("--reference");
    }
    if (sampling.training != null) {
      sampleOnly.add("--training");
    }
    if (sampling.heldOut != null) {
      sampleOnly.add("--held-out");
    }
    if (!sampleOnly.isEmpty()) {
      throw new UserError(String.join(", ", sampleOnly) + " applies to sampling, not to --encode");
    }
    if (encoding.frames != null && encoding.interpolate == null) {
      throw new UserError("--frames applies only with --interpolate I,J");
    }
    int[] pair = encoding.interpolate == null ? null : pair(encoding.interpolate);
    var req = new EncodeJob.Request(model.model(), model.sde(s), encoding.encode, output.out(),
        encoding.limit != null ? encoding.limit : s.getLong("sample.encode-limit"),
        steps != null ? steps : s.getInt("sample.encode-steps"),
        schedule != null ? schedule : s.getString("sample.schedule"), s.getDouble("sample.eps"), pair,
        encoding.frames != null ? encoding.frames : s.getInt("sample.frames"), s.getInt("sample.batch-size"), output.overwrite());
    new EncodeJob(common.master()).run(req);
    return 0;
  }

  private static int[] pair(String spec) {
    String[] parts = spec.split(",", -1);
    try {
      if (parts.length == 2) {
        int a = Integer.parseInt(parts[0].trim());
        int b = Integer.parseInt(parts[1].trim());
        if (a >= 0 && b >= 0) {
          return new int[] {a, b};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserError("--interpolate takes two example indices I,J (e.g. --interpolate 3,17), got '" + spec + "'");
  }
}
