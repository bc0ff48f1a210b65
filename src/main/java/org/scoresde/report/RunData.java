package org.scoresde.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything a report shows about one run, each part optional because a run may have only trained,
 * or only been evaluated: the configuration text, the model file's size and checksum, the training
 * metrics, the evaluation summary, its per-example values and its pictures (the least and most likely
 * examples), the sample sets, the evaluated checkpoints (a learning curve), and notes about inputs
 * that were skipped.
 */
public record RunData(String runDir, Optional<String> configText, OptionalLong modelBytes, Optional<String> modelSha256,
    Optional<TrainingMetrics> metrics, Optional<Evaluation> evaluation, Optional<PerExampleValues> perExample,
    List<Picture> evaluationPictures, List<SampleSet> samples, LearningCurve curve, List<String> notes) {

  public RunData {
    evaluationPictures = List.copyOf(evaluationPictures);
    samples = List.copyOf(samples);
    notes = List.copyOf(notes);
  }

  /** The training rounds, empty when the run has no metrics. */
  public List<TrainingRound> rounds() {
    return metrics.map(TrainingMetrics::rounds).orElse(List.of());
  }
}
