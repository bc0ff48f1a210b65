package org.scoresde.report;

import java.util.List;

/**
 * One {@code sample} output of a run: how it was drawn (sampler, time schedule, steps, score
 * evaluations, seconds, count, FID when computed, the ratio of the samples' to held-out examples'
 * median distance to the nearest training example when measured) and its pictures (the grid, and the sampling
 * and denoising trajectories when recorded). For vector data {@code points} holds the samples
 * (at most a few thousand rows) instead of a grid; it is empty for images. {@code slug} is the name
 * made safe for file names and distinct among the run's sets.
 */
public record SampleSet(String name, String slug, String sampler, String schedule, long steps, double nfe, double seconds, long n,
    double fid, double nearestTrainingRatio, List<Picture> pictures, List<double[]> points) {

  public SampleSet {
    pictures = List.copyOf(pictures);
    points = List.copyOf(points);
  }

  /** Samples per second, NaN when the count or the time is unknown. */
  public double samplesPerSecond() {
    return n > 0 && seconds > 0 ? n / seconds : Double.NaN;
  }
}
