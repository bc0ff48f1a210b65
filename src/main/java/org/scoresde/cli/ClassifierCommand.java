package org.scoresde.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.scoresde.config.UserError;
import org.scoresde.io.ChecksumFile;
import org.scoresde.quality.ClassifierTraining;
import org.scoresde.quality.FashionClassifier;
import org.scoresde.quality.LabelledImages;
import org.scoresde.spark.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code classifier}: train the Fashion-MNIST feature classifier of the sample-quality Frechet distance. */
@Command(name = "classifier", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {
      "Train the small Fashion-MNIST classifier whose penultimate activations are the features of the Frechet",
      "distance that 'sample --reference' reports, and measure its test accuracy. Runs in this JVM (no Spark).",
      "Writes FILE, FILE.sha256 and FILE.json (accuracy, seconds, seed, epochs). The committed classifier was",
      "made by: score-sde classifier --out models/fashion-mnist-classifier.zip"})
public final class ClassifierCommand implements Callable<Integer> {
  private static final String DIR = DemoCommand.DATASET + "/";

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The model file to write (.zip).")
  Path out;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs over the training set (default: ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--batch-size", paramLabel = "B", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batchSize = 128;

  @Option(names = "--seed", description = "Initialisation and shuffling seed (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(names = "--train-images", paramLabel = "IDX", description = "Training images (default: ${DEFAULT-VALUE}).")
  String trainImages = DIR + "train-images-idx3-ubyte.gz";

  @Option(names = "--train-labels", paramLabel = "IDX", description = "Training labels (default: ${DEFAULT-VALUE}).")
  String trainLabels = DIR + "train-labels-idx1-ubyte.gz";

  @Option(names = "--test-images", paramLabel = "IDX", description = "Test images (default: ${DEFAULT-VALUE}).")
  String testImages = DIR + "t10k-images-idx3-ubyte.gz";

  @Option(names = "--test-labels", paramLabel = "IDX", description = "Test labels (default: ${DEFAULT-VALUE}).")
  String testLabels = DIR + "t10k-labels-idx1-ubyte.gz";

  @Option(names = "--overwrite", description = "Replace an existing FILE.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || batchSize < 1) {
      throw new UserError("--epochs and --batch-size must be at least 1");
    }
    for (String input : List.of(trainImages, trainLabels, testImages, testLabels)) {
      if (!input.contains(":") && Files.exists(out) && Files.isSameFile(out, Path.of(input))) {
        throw new UserError("--out " + out + " is the input " + input + ": choose another file");
      }
    }
    if (Files.exists(out) && !overwrite) {
      throw new UserError(out + " exists; pass --overwrite to replace it");
    }
    Configuration conf = SparkSessions.hadoopConfiguration();
    LabelledImages train = read(trainImages, trainLabels, conf);
    LabelledImages test = read(testImages, testLabels, conf);
    long start = System.nanoTime();
    var net = new ClassifierTraining(epochs, batchSize, seed).train(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    byte[] bytes = FashionClassifier.toBytes(net);
    FashionClassifier classifier = FashionClassifier.fromBytes(bytes);
    double trainAccuracy = classifier.accuracy(train, 1000);
    double testAccuracy = classifier.accuracy(test, 1000);
    ObjectNode json = new ObjectMapper().createObjectNode();
    json.put("sha256", classifier.sha256());
    json.put("test_accuracy", testAccuracy);
    json.put("train_accuracy", trainAccuracy);
    json.put("train_examples", train.count());
    json.put("test_examples", test.count());
    json.put("epochs", epochs);
    json.put("batch_size", batchSize);
    json.put("seed", seed);
    json.put("training_seconds", seconds);
    json.put("bytes", bytes.length);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    ChecksumFile.write(out, classifier.sha256());
    Files.writeString(out.resolveSibling(out.getFileName() + ".json"), json.toPrettyString() + "\n");
    System.out.printf("classifier: test accuracy %.4f (train %.4f) after %d epochs in %.0f s -> %s (sha256 %s)%n",
        testAccuracy, trainAccuracy, epochs, seconds, out, classifier.sha256());
    return 0;
  }

  private static LabelledImages read(String images, String labels, Configuration conf) {
    try {
      return LabelledImages.readIdx(images, labels, conf);
    } catch (java.io.IOException | RuntimeException e) {
      throw new UserError("cannot read " + images + " / " + labels + ": " + e.getMessage(), e);
    }
  }
}
