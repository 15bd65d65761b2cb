package com.customervalue.segments.job;

import com.customervalue.segments.classify.SegmentsStep;
import com.customervalue.segments.clv.ClvStep;
import com.customervalue.segments.distribute.DistributeStep;
import com.customervalue.segments.ingest.InvalidInputException;
import com.customervalue.segments.ingest.QuarantineStep;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.StepRunner;
import com.customervalue.segments.publish.PublishStep;
import com.customervalue.segments.publish.TableOutputs;
import com.customervalue.segments.report.ReportStep;
import com.customervalue.segments.score.ScoreStep;
import com.customervalue.segments.serve.ServeStep;
import com.customervalue.segments.tier.TierStep;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segmentation run: its steps in the order of the data flow (docs/ARCHITECTURE.md), run one
 * after another and recorded in {@code job_runs} whether the run succeeds or fails.
 */
public final class SegmentationJob {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentationJob.class);
  private static final String HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit";
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SegmentationJob() {}

  /**
   * Runs the job and returns what it did. Throws {@link InvalidInputException} when the input does
   * not fit the configuration, and {@link JobFailedException} when the run fails on its data (its
   * run record is then published with status "failed"). {@code spark} is the thread's active
   * session while it runs; the caller's is restored after.
   */
  public static RunResult run(SparkSession spark, JobSettings settings) {
    // Code outside Dataset operations (Iceberg's catalog, for one) reads the settings of the
    // thread's active session, which need not be this one in an application with several.
    Optional<SparkSession> callersSession = activeSession();
    SparkSession.setActiveSession(spark);
    try {
      return runActive(spark, settings);
    } finally {
      callersSession.ifPresentOrElse(
          SparkSession::setActiveSession, SparkSession::clearActiveSession);
    }
  }

  private static Optional<SparkSession> activeSession() {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    return active.isDefined() ? Optional.of(active.get()) : Optional.empty();
  }

  private static RunResult runActive(SparkSession spark, JobSettings settings) {
    // HotSpot does not compile a method of more than 8,000 bytes of bytecode, so whole-stage code
    // that large runs interpreted (customer_segments' query did, at 11,947 bytes, before its
    // segment rules and tiers became lookups; a long playbook can make it that large again). At
    // this limit Spark runs such a plan without whole-stage code, compiled, as its documentation
    // suggests for HotSpot. A value the caller set is kept.
    if (!spark.conf().contains(HUGE_METHOD_LIMIT)) {
      spark.conf().set(HUGE_METHOD_LIMIT, "8000");
    }
    Instant startedAt = Instant.now();
    String runId =
        RUN_ID_TIME.format(startedAt) + "-" + UUID.randomUUID().toString().substring(0, 8);
    RunState state =
        new RunState(spark, runId, TableOutputs.open(spark, settings.output(), runId, true));
    StepRunner runner = new StepRunner(spark.sparkContext());
    RunRecorder recorder = new RunRecorder(settings, state, runner, startedAt);
    RunResult result;
    try {
      runner.run(steps(settings, recorder), state);
      result = recorder.succeeded();
    } catch (RuntimeException e) {
      throw recorder.failed(e);
    } finally {
      state.releaseCaches();
    }
    complete(state, settings.output().keepSnapshots());
    return result;
  }

  /**
   * Tags and prunes only after the run's job_runs row is written: until then readers follow the
   * previous complete run, whose snapshot must still be there, also when this run is killed while
   * pruning. A failure here leaves the run succeeded (its snapshot is published and recorded); the
   * next run tags and prunes what is left.
   */
  private static void complete(RunState state, int keep) {
    try {
      state.output().complete(keep);
    } catch (RuntimeException e) {
      LOG.warn("Could not finish the run's output (tags, pruning): {}", e.getMessage(), e);
    }
  }

  /** The steps of a run with these settings, in order. */
  static List<Step> steps(JobSettings settings, RunRecorder recorder) {
    List<Step> steps = new ArrayList<>();
    steps.add(
        new ValidateStep(
            settings.input(),
            settings.quality(),
            settings.snapshot(),
            settings.privacy(),
            settings.breakdowns()));
    steps.add(
        new MetricsStep(
            settings.classification().amountLevels().windowDays(),
            settings.snapshot().zeroAmountPurchases()));
    steps.add(new ScoreStep(settings.scoring()));
    steps.add(new TierStep(settings.tiers()));
    steps.add(new ClvStep(settings.clv()));
    steps.add(new SegmentsStep(settings.scoring(), settings.classification()));
    steps.add(new QuarantineStep());
    steps.add(new DistributeStep(settings.scoring()));
    if (settings.output().report()) {
      steps.add(new ReportStep(settings.classification().amountLevels()));
    }
    steps.add(new PublishStep());
    if (settings.serving().jdbcUrl().isPresent()) {
      steps.add(
          new ServeStep(
              settings.serving(), settings.output().keepSnapshots(), recorder::succeededRecord));
    }
    return steps;
  }
}
