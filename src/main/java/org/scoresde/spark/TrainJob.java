package org.scoresde.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.scoresde.config.UserError;
import org.scoresde.data.Example;
import org.scoresde.data.Manifest;
import org.scoresde.data.ShardSchema;
import org.scoresde.io.InputPath;
import org.scoresde.io.OutputGuard;
import org.scoresde.io.RunLock;
import org.scoresde.io.TextFile;
import org.scoresde.model.HadoopModelFiles;
import org.scoresde.data.DataTransform;
import org.scoresde.model.ModelFile;
import org.scoresde.model.ModelMetadata;
import org.scoresde.nn.ScoreNetworkBuilder;
import org.scoresde.nn.ScoreNetworkConfig;
import org.scoresde.sde.Sde;
import org.scoresde.time.TimeSampler;
import org.scoresde.time.TimeSamplers;
import org.scoresde.fp.FokkerPlanckLoss;
import org.scoresde.time.Seeds;
import org.scoresde.train.Checkpoints;
import org.scoresde.train.DivergenceGuard;
import org.scoresde.train.InitialModel;
import org.scoresde.train.ResumeSettings;
import org.scoresde.train.TrainingProbe;
import org.scoresde.train.ExponentialMovingAverage;
import org.scoresde.train.FokkerPlanckSettings;
import org.scoresde.train.TrainOptions;
import org.scoresde.train.TrainSettings;
import org.scoresde.train.TrainingState;
import scala.Tuple2;

/**
 * The train job: denoising score matching on Parquet shards with dl4j-spark's parameter averaging.
 * Each round, every partition noises its share of the epoch ({@link DsmPartitionBatches}) and the
 * workers train {@code averaging-frequency} minibatches each before their parameters are averaged;
 * the driver then folds the averaged weights into the EMA, logs the round (with the loss by diffusion
 * time of a fixed probe batch, {@link TrainingProbe}) and checkpoints. With {@code train.fp.alpha > 0}
 * the loss is FP-Diffusion's ({@link FokkerPlanckLoss}): every example becomes G stencil rows, so the
 * per-worker minibatch is batch-size x G rows. With {@code train.init} ({@code --init}) a new run starts
 * from a trained model's weights ({@link InitialModel}), e.g. to fine-tune a DSM model with the penalty.
 * A run is planned from the request and the data before anything is written, trained in its locked
 * output, and finished by writing the model file and _SUCCESS.
 */
public final class TrainJob {
  private static final long PROBE_STREAM = 0x70726f6265L;
  private static final long BASELINE_STREAM = 0x626173656cL;
  private final String master;

  public TrainJob(String master) {
    this.master = master;
  }

  /**
   * What to train: data, output, budget (--epochs, --minutes or train.epochs), whether to resume or
   * replace, and the typed train settings. Contradictions are refused here, before any Spark session.
   */
  public record Request(String data, String out, Integer epochs, Double minutes, boolean resume, boolean overwrite,
      TrainSettings settings) {
    public Request {
      if (resume && overwrite) {
        throw new UserError("--resume and --overwrite contradict each other: resume continues the run in " + out);
      }
      if (resume && !settings.options().init().isEmpty()) {
        throw new UserError("--init and --resume contradict each other: resume continues the run in " + out
            + " from its checkpoint, --init starts a new run from " + settings.options().init());
      }
    }
  }

  /** What a run does, worked out from the request and the data before anything is written. */
  private record Plan(Request req, ShardedData data, FileSystem fs, Path out, ScoreNetworkConfig network,
      DataTransform transform, TimeSampler times, int batchRows, int rowsPerExample, int workers, int rounds, int epochs,
      double budgetSeconds, Optional<InitialModel> initial) {
    TrainSettings settings() {
      return req.settings();
    }

    TrainOptions options() {
      return req.settings().options();
    }

    long count() {
      return data.manifest().count();
    }
  }

  /** Trains and returns the path of the written model file. */
  public String run(Request req) throws IOException {
    SparkSession spark = SparkSessions.create("train", master);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Plan plan = plan(spark, jsc, req);
    FileSystem fs = plan.fs();
    Path out = plan.out();
    ComputationGraph fresh = req.resume() ? null : freshNetwork(plan);
    prepareOutput(fs, out, req);
    RunLock lock = RunLock.acquire(fs, out, "train", RunLock.STALE);
    try {
      return train(jsc, plan, fresh);
    } catch (RuntimeException | IOException | Error e) {
      // a new run that fails before its first checkpoint has nothing to resume: it leaves nothing
      if (!req.resume() && new Checkpoints(fs, out, 1).newestPath().isEmpty()) {
        lock.close();
        fs.delete(out, true);
      }
      throw e;
    } finally {
      lock.close();
    }
  }

  private static Plan plan(SparkSession spark, JavaSparkContext jsc, Request req) throws IOException {
    TrainSettings settings = req.settings();
    TrainOptions options = settings.options();
    Configuration hadoop = jsc.hadoopConfiguration();
    ShardedData data = ShardReader.read(spark, req.data());
    Manifest manifest = data.manifest();
    Path out = new Path(req.out());
    FileSystem fs = out.getFileSystem(hadoop);
    out = fs.makeQualified(out);
    String init = options.init();
    List<InputPath> inputs = new ArrayList<>(List.of(new InputPath("--data", req.data())));
    if (!init.isEmpty()) {
      inputs.add(new InputPath("--init", init));
    }
    OutputGuard.refuseOverlap(out, req.out(), inputs, hadoop);
    DataTransform transform = DataTransform.forData(manifest);
    ScoreNetworkConfig network = settings.network().forData(manifest, transform).withSeed(options.seed());
    TimeSampler times = TimeSamplers.create(settings.sde(), options.timeSampler(), options.weighting(), options.eta());
    int rowsPerExample = FokkerPlanckSettings.rowsPerExample(settings.fp(), network.dimension());
    int batch = options.batchSize();
    int workers = options.workers(jsc.defaultParallelism());
    int rounds = (int) Math.max(1, Math.ceil(manifest.count() / (double) ((long) workers * batch * options.averagingFrequency())));
    int epochs = req.epochs() != null ? req.epochs() : (req.minutes() != null ? Integer.MAX_VALUE : options.epochs());
    double budgetSeconds = req.minutes() != null ? req.minutes() * 60 : Double.POSITIVE_INFINITY;
    Optional<InitialModel> initial = init.isEmpty() ? Optional.empty() : Optional.of(InitialModel.read(init, hadoop));
    return new Plan(req, data, fs, out, network, transform, times, batch * rowsPerExample, rowsPerExample, workers,
        rounds, epochs, budgetSeconds, initial);
  }

  /** A new run's network: freshly initialized, or with the weights of train.init. */
  private static ComputationGraph freshNetwork(Plan plan) {
    ComputationGraph fresh = plan.settings().optimizer().build(plan.network(), plan.settings().fp());
    plan.initial().ifPresent(initial -> {
      initial.copyInto(fresh, plan.settings().sde(), plan.transform(), plan.network());
      System.err.printf("train: starting from the weights of %s (fresh optimizer, iteration 0)%n", plan.options().init());
    });
    return fresh;
  }

  /** The rounds of a run in its prepared, locked output: start or resume, train, checkpoint, write the model. */
  private String train(JavaSparkContext jsc, Plan plan, ComputationGraph fresh) throws IOException {
    Request req = plan.req();
    FileSystem fs = plan.fs();
    Path out = plan.out();
    TrainOptions options = plan.options();
    Sde sde = plan.settings().sde();
    Optional<FokkerPlanckLoss> fp = plan.settings().fp();
    long seed = options.seed();
    Optional<Config> previous = req.resume() ? recordedSettings(fs, new Path(out, "config.conf")) : Optional.empty();
    List<ResumeSettings.Change> changes = previous
        .map(p -> ResumeSettings.check(p, plan.settings().source().config())).orElse(List.of());
    TrainSettings recorded = previous.filter(p -> p.hasPath("train.init"))
        .map(p -> plan.settings().withInit(p.getString("train.init"))).orElse(plan.settings());

    Checkpoints checkpoints = new Checkpoints(fs, out, options.checkpointKeep());
    Start start = req.resume() ? resume(checkpoints, out, plan.settings(), changes) : Start.fresh(fresh, options.emaDecay());
    ComputationGraph net = start.network();
    ExponentialMovingAverage ema = start.ema();
    TrainingState state = start.state();
    TextFile.write(fs, new Path(out, "config.conf"), recorded.source().render());

    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(plan.workers(), plan.batchRows())
        .batchSizePerWorker(plan.batchRows())
        .averagingFrequency(options.averagingFrequency())
        .workerPrefetchNumBatches(options.prefetch())
        .rddTrainingApproach(options.approach())
        .exportDirectory(options.exportDir())
        .repartionData(Repartition.Never)
        .rngSeed(seed)
        .build();
    SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, net, tm);

    JavaRDD<Example> examples = plan.data().rows().javaRDD().map(ShardSchema::toExample)
        .mapToPair(e -> new Tuple2<>(e.index(), e))
        .repartitionAndSortWithinPartitions(new HashPartitioner(plan.workers()))
        .values()
        .persist(StorageLevel.MEMORY_AND_DISK());

    TrainingProbe probe = probe(examples, plan);
    if (fp.isPresent()) {
      System.err.printf("train: FP-Diffusion regularizer on (%s): %d network rows per example, %d per worker minibatch%n",
          fp.get(), plan.rowsPerExample(), plan.batchRows());
    }
    int rounds = plan.rounds();
    int epochs = plan.epochs();
    double budgetSeconds = plan.budgetSeconds();
    TrainingProgress progress = new TrainingProgress(fs, new Path(out, "metrics.jsonl"), req.resume(),
        state, rounds, epochs, budgetSeconds);
    ModelMetadata meta = ModelMetadata.of(sde, plan.transform(), plan.network(), recorded.source().render(),
        plan.data().manifest().checksum());
    long started = System.nanoTime();
    double priorSeconds = state.seconds();
    int epoch = state.epoch();
    int round = state.round();
    long checkpointed = -1;
    // an untrained network predicting no noise scores D E[w(t)]; the FP penalty has no such scale
    DivergenceGuard guard = new DivergenceGuard(options.divergenceFactor(), options.divergenceFactorText(),
        fp.isPresent() ? Double.POSITIVE_INFINITY : plan.network().dimension() * meanWeight(plan.times(), seed));
    try {
      while (epoch < epochs) {
        double elapsed = priorSeconds + (System.nanoTime() - started) / 1e9;
        if (elapsed >= budgetSeconds) {
          break;
        }
        JavaRDD<MultiDataSet> batches = examples.mapPartitionsWithIndex(new DsmPartitionBatches(seed, epoch, round,
            rounds, plan.workers(), options.batchSize(), sde, plan.times(), plan.transform(), plan.network(),
            fp.orElse(null)), false);
        long roundStart = System.nanoTime();
        if (options.carryIterationCount()) {
          tm.setTrainingHookList(List.of(IterationCountHook.of(sparkNet.getNetwork())));
        }
        sparkNet.fitMultiDataSet(batches);
        double loss = sparkNet.getScore();
        long roundExamples = Math.round(plan.count() / (double) rounds);
        guard.check(loss, epoch, round, () -> checkpoints.newestPath().map(Path::toString));
        ema.update(sparkNet.getNetwork().params());
        round++;
        if (round == rounds) {
          round = 0;
          epoch++;
        }
        elapsed = priorSeconds + (System.nanoTime() - started) / 1e9;
        state = new TrainingState(epoch, round, state.examples() + roundExamples, elapsed, ema.updates(), state.rounds() + 1);
        boolean last = epoch >= epochs || elapsed >= budgetSeconds;
        boolean measure = probe != null && (state.rounds() == 1 || state.rounds() % options.probeEvery() == 0 || last);
        progress.round(state, loss, (System.nanoTime() - roundStart) / 1e9, roundExamples,
            sparkNet.getNetwork().getUpdater() == null ? Double.NaN : currentLearningRate(sparkNet.getNetwork()),
            measure ? probe.measure(sparkNet.getNetwork()) : TrainingProbe.Measurement.none());
        if (state.rounds() % options.checkpointEvery() == 0) {
          checkpoints.save(sparkNet.getNetwork(), ema.parameters(), state, modelBytes(sparkNet.getNetwork(), ema, meta));
          checkpointed = state.rounds();
        }
      }
      return writeOutputs(fs, out, checkpoints, sparkNet.getNetwork(), ema, meta, state, checkpointed != state.rounds(),
          progress);
    } finally {
      examples.unpersist(false);
      tm.deleteTempFiles(jsc);
    }
  }

  /**
   * The run's outputs: the final checkpoint (unless this state was just checkpointed) and model.zip hold
   * the same model, serialized once; then _SUCCESS and the closing progress line.
   */
  private static String writeOutputs(FileSystem fs, Path out, Checkpoints checkpoints, ComputationGraph network,
      ExponentialMovingAverage ema, ModelMetadata meta, TrainingState state, boolean checkpoint, TrainingProgress progress)
      throws IOException {
    byte[] finalModel = modelBytes(network, ema, meta);
    if (checkpoint) {
      checkpoints.save(network, ema.parameters(), state, finalModel);
    }
    Path model = new Path(out, "model.zip");
    HadoopModelFiles.write(fs, model, finalModel);
    fs.create(new Path(out, "_SUCCESS"), true).close();
    progress.finish(state);
    return model.toString();
  }

  /** Where a run starts: its network, EMA and state. */
  private record Start(ComputationGraph network, ExponentialMovingAverage ema, TrainingState state) {
    static Start fresh(ComputationGraph net, double emaDecay) {
      return new Start(net, new ExponentialMovingAverage(emaDecay, net.params()), TrainingState.start());
    }
  }

  /**
   * The newest intact checkpoint of {@code out} with this resume's allowed changes applied (learning
   * rate and warm-up through the restored network's updater); unfinished checkpoints are removed first.
   */
  private static Start resume(Checkpoints checkpoints, Path out, TrainSettings settings, List<ResumeSettings.Change> changes)
      throws IOException {
    checkpoints.removeUnfinished();
    Checkpoints.Restored restored = checkpoints.newest()
        .orElseThrow(() -> new UserError("--resume: " + out + " has no complete checkpoint to resume from"));
    ComputationGraph net = restored.network();
    checkSameLoss(net, settings.fp());
    TrainingState state = restored.state();
    ExponentialMovingAverage ema = new ExponentialMovingAverage(settings.options().emaDecay(), restored.ema(),
        state.emaUpdates());
    restored.damaged().forEach(d -> System.err.println("train: warning: passed over the damaged checkpoint " + d));
    if (changes.stream().anyMatch(c -> c.key().equals("train.learning-rate") || c.key().equals("train.warmup"))) {
      settings.optimizer().applySchedule(net);
    }
    if (!changes.isEmpty()) {
      System.err.println("train: this resume changes " + String.join(", ", changes.stream().map(Object::toString).toList()));
    }
    System.err.printf("train: resuming from %s (epoch %d, round %d)%n", restored.path(), state.epoch(), state.round());
    return new Start(net, ema, state);
  }

  /**
   * The fixed probe batch of metrics.jsonl's loss by t (and FP penalty): the first
   * {@code train.probe-examples} examples of the data, or null when that is 0. The penalty is measured
   * with the run's FP loss, or, for plain DSM on vector data (where it is cheap), with the train.fp
   * settings at alpha 0 so that runs with and without the regularizer can be compared.
   */
  private static TrainingProbe probe(JavaRDD<Example> examples, Plan plan) {
    TrainOptions options = plan.options();
    int n = options.probeExamples();
    int bins = options.lossByTBins();
    if (n <= 0) {
      return null;
    }
    List<Example> first = examples.take(n);
    if (first.size() < bins) {
      return null;
    }
    ScoreNetworkConfig network = plan.network();
    Sde sde = plan.settings().sde();
    long probeSeed = Seeds.derive(options.seed(), PROBE_STREAM);
    INDArray x0 = DsmPartitionBatches.modelInputs(first, 0, first.size(), network.dimension(), plan.transform(),
        Seeds.random(probeSeed));
    FokkerPlanckLoss measured = plan.settings().fp()
        .orElse(network.vector() && network.preconditioning().isNone() ? plan.settings().fpSettings().measurement(sde) : null);
    return new TrainingProbe(x0, sde, network, options.eta(), bins, probeSeed, measured);
  }

  private static void checkSameLoss(ComputationGraph restored, Optional<FokkerPlanckLoss> fp) {
    var vertex = restored.getConfiguration().getVertices().get(ScoreNetworkBuilder.LOSS);
    Object had = vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof LossLayer ll ? ll.getLossFn() : null;
    boolean same = fp.isPresent() ? fp.get().equals(had) : !(had instanceof FokkerPlanckLoss);
    if (!same) {
      throw new UserError("--resume: the checkpoint was trained with " + had + " but train.fp now asks for "
          + fp.map(Object::toString).orElse("plain DSM (train.fp.alpha = 0)") + "; resume with the same train.fp settings");
    }
  }

  /** The model file of the network with the moving average of its parameters (what a run's model.zip holds). */
  private static byte[] modelBytes(ComputationGraph network, ExponentialMovingAverage ema, ModelMetadata meta)
      throws IOException {
    ComputationGraph averaged = network.clone();
    averaged.setParams(ema.parameters());
    return ModelFile.toBytes(averaged, meta, false);
  }

  /** E[w(t)] under the sampler's own times: an untrained network's DSM loss per dimension. */
  private static double meanWeight(TimeSampler times, long seed) {
    var batch = times.draw(4096, Seeds.random(Seeds.derive(seed, BASELINE_STREAM)));
    double sum = 0;
    for (double w : batch.weight()) {
      sum += w;
    }
    return sum / batch.weight().length;
  }

  /** The settings the run recorded in its config.conf, or empty when it has none readable. */
  private static Optional<Config> recordedSettings(FileSystem fs, Path config) throws IOException {
    if (!fs.exists(config)) {
      return Optional.empty();
    }
    try (var in = fs.open(config)) {
      return Optional.of(ConfigFactory.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).resolve());
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  private static double currentLearningRate(ComputationGraph net) {
    var layer = net.getLayers()[0].conf().getLayer();
    if (layer instanceof BaseLayer bl && bl.getIUpdater() instanceof Adam a) {
      return a.getLearningRateSchedule() != null
          ? a.getLearningRateSchedule().valueAt(net.getIterationCount(), net.getEpochCount()) : a.getLearningRate();
    }
    return Double.NaN;
  }

  private static void prepareOutput(FileSystem fs, Path out, Request req) throws IOException {
    if (fs.exists(out)) {
      if (req.resume()) {
        return;
      }
      if (!req.overwrite()) {
        throw new UserError("output " + req.out() + " already exists; pass --resume to continue it or --overwrite to replace it");
      }
      OutputGuard.requireReplaceable(fs, out, req.out());
      RunLock.requireFree(fs, out, RunLock.STALE);
      fs.delete(out, true);
    } else if (req.resume()) {
      throw new UserError("--resume: " + req.out() + " does not exist");
    }
    try {
      if (!fs.mkdirs(out)) {
        throw new UserError("cannot create output " + req.out());
      }
      OutputGuard.mark(fs, out, "train");
    } catch (IOException e) {
      throw new UserError("cannot create output " + req.out() + ": " + e.getMessage());
    }
  }

}
