package com.customervalue.segments.report;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.classify.AmountLevels;
import com.customervalue.segments.clv.ClvStep;
import com.customervalue.segments.ingest.Ingested;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.metrics.CustomerBase;
import com.customervalue.segments.metrics.MetricsStep;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.pipeline.StepFailedException;
import com.customervalue.segments.pipeline.TableOutput;
import com.customervalue.segments.report.ReportFigures.RunFacts;
import com.customervalue.segments.tier.TierStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/**
 * Stages the run's HTML report, {@code report/snapshot_date=.../index.html}, drawn from the staged
 * tables of the snapshot so that it shows exactly what is published.
 */
public final class ReportStep implements Step {
  private final AmountLevels amountLevels;

  /** {@code amountLevels}: the bands customer_segments' amount levels were assigned with. */
  public ReportStep(AmountLevels amountLevels) {
    this.amountLevels = amountLevels;
  }

  @Override
  public String name() {
    return "report";
  }

  @Override
  public String description(RunState state) {
    return "the HTML report with charts";
  }

  @Override
  public void run(RunState state) {
    Ingested ingested = state.get(ValidateStep.INGESTED);
    CustomerBase customers = state.get(MetricsStep.CUSTOMERS);
    RunFacts facts =
        new RunFacts(
            ingested.asOf(),
            state.runId(),
            ingested.transactionsPath(),
            ingested.windowDays(),
            customers.customers(),
            customers.buyers(),
            ingested.counts(),
            state.get(TierStep.TIERING).outcome());
    try {
      state
          .output()
          .stage(
              Catalog.REPORT,
              ingested.asOf(),
              directory -> write(state, directory, facts, amountLevels));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) { // AWT throws Errors, e.g. on a machine without any font
      throw new StepFailedException(
          "The HTML report could not be drawn ("
              + e
              + "). Rerun with --no-report "
              + "(segments.output.report = false) to publish the tables without it.",
          e);
    }
  }

  private static void write(
      RunState state, String directory, RunFacts facts, AmountLevels amountLevels) {
    TableOutput output = state.output();
    ReportFigures figures =
        ReportFigures.gather(
            facts,
            amountLevels,
            state.get(ClvStep.MODELS).settings(),
            output.staged(Catalog.CUSTOMER_SEGMENTS),
            output.staged(Catalog.TIER_SUMMARY),
            output.staged(Catalog.RFM_SEGMENT_SUMMARY),
            output.staged(Catalog.RFM_SEGMENT_MAP),
            output.staged(Catalog.VALUE_DISTRIBUTION),
            output.staged(Catalog.TIER_MIGRATION),
            output.staged(Catalog.COHORT_RETENTION),
            output.staged(Catalog.SEGMENT_BREAKDOWN),
            output.staged(Catalog.CLV_MODEL),
            output.staged(Catalog.CLV_BACKTEST));
    byte[] page = HtmlReport.render(figures).getBytes(StandardCharsets.UTF_8);
    Path file = new Path(directory, Catalog.REPORT_FILE);
    try (FSDataOutputStream out =
        file.getFileSystem(state.spark().sparkContext().hadoopConfiguration())
            .create(file, false)) {
      out.write(page);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + file, e);
    }
  }
}
