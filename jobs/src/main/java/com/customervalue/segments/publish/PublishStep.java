package com.customervalue.segments.publish;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.ingest.ValidateStep;
import com.customervalue.segments.pipeline.Key;
import com.customervalue.segments.pipeline.RunState;
import com.customervalue.segments.pipeline.Step;
import com.customervalue.segments.tier.TierStep;
import java.util.Map;

/**
 * Saves the tier model beside the tables, then moves everything the run staged into place at once.
 * Old snapshots are pruned after the run is recorded ({@code SegmentationJob}), not here.
 */
public final class PublishStep implements Step {
  /** Where each table, the model and the report were published. */
  public static final Key<PublishedTables> PUBLISHED =
      Key.of("the published snapshot", PublishedTables.class);

  /** Table (or directory) name to where it was published, in the order published. */
  public record PublishedTables(Map<String, String> paths) {}

  @Override
  public String name() {
    return "publish";
  }

  @Override
  public String description(RunState state) {
    return "saving the tier model; the snapshot moves into place";
  }

  @Override
  public void run(RunState state) {
    state
        .output()
        .stage(
            Catalog.TIER_MODEL,
            state.get(ValidateStep.INGESTED).asOf(),
            state.get(TierStep.TIERING).model()::save);
    Map<String, String> paths = state.output().publish();
    state.put(PUBLISHED, new PublishedTables(paths));
  }
}
