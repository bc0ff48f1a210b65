package org.scoresde.cli;

import java.io.PrintWriter;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.scoresde.config.UserError;
import org.scoresde.nn.OneDnn;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of the launcher and of spark-submit: {@code score-sde COMMAND [options]}.
 * Bad input ends with one {@code error:} line on stderr and a non-zero exit.
 */
@Command(
    name = "score-sde",
    mixinStandardHelpOptions = true,
    usageHelpAutoWidth = true,
    versionProvider = Main.Version.class,
    description = {
      "Score-based diffusion models on Apache Spark: shard a dataset, train a DL4J score network,",
      "evaluate bits/dim with the probability-flow ODE, sample, and verify the mathematics against exact answers.",
      ""
    },
    subcommands = {
      VerifyCommand.class,
      ShardCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      SampleCommand.class,
      DemoCommand.class,
      ReportCommand.class,
      ClassifierCommand.class,
      FpResidualCommand.class,
      BenchCommand.class,
    })
public final class Main implements Runnable {
  /** The system property naming the log file that holds the stack traces (set by jobs/score-sde). */
  static final String LOG_PROPERTY = "score.sde.log";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Also print on the console what goes to the log file only: harmless warnings, failed tasks' reports,"
          + " stack traces.")
  void verbose(boolean on) {
    if (on) {
      ConsoleLogging.verbose();
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing COMMAND (see --help)");
  }

  public static void main(String[] args) {
    OneDnn.selectPlatform();
    ProcessExit.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 success, 2 bad input, 1 failure). */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(Main::handle);
    cl.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      err.println("error: " + ex.getMessage() + " (try: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
      err.flush();
      return 2;
    });
    try {
      return cl.execute(args);
    } catch (Error e) {
      // an Error (Hadoop's FSError on a full disk, OutOfMemoryError) passes picocli's handler by
      return report(e, cl.getErr());
    }
  }

  private static int handle(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    Throwable user = userCause(ex);
    if (user != null) {
      err.println("error: " + user.getMessage());
      err.flush();
      return 2;
    }
    return report(ex, err);
  }

  /** One error line for a failure that is not the user's input, its stack trace in the log file. */
  private static int report(Throwable ex, PrintWriter err) {
    String log = System.getProperty(LOG_PROPERTY);
    Optional<KnownFailures.Told> told = KnownFailures.tell(ex);
    String line = told.map(KnownFailures.Told::message).orElse(ex.getClass().getSimpleName() + ": " + KnownFailures.firstLine(ex.getMessage()));
    if (log == null || ConsoleLogging.isVerbose()) {
      err.println("error: " + line);
      if (told.isEmpty() || ConsoleLogging.isVerbose()) {
        ex.printStackTrace(err);
      }
    } else {
      LogManager.getLogger(Main.class).error("the command failed", ex);
      err.println("error: " + line + " (stack trace in " + log + ")");
    }
    err.flush();
    return told.map(t -> t.badInput() ? 2 : 1).orElse(1);
  }

  private static Throwable userCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UserError) {
        return c;
      }
    }
    return null;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"score-sde " + (v == null ? "(development build)" : v)};
    }
  }
}
