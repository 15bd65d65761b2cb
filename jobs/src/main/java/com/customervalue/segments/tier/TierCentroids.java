package com.customervalue.segments.tier;

import com.customervalue.segments.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code tier_centroids} table: the tier model's clusters with their sizes, value scores and
 * centroids, built from the model the driver already holds.
 */
public final class TierCentroids {
  private TierCentroids() {}

  public static Dataset<Row> table(
      SparkSession spark, TierModel model, Map<Integer, Long> buyersByCluster) {
    List<Row> rows = new ArrayList<>();
    for (TierCentroid c : model.centroids()) {
      rows.add(
          RowFactory.create(
              c.tier(),
              c.displayName(),
              c.rank(),
              c.cluster(),
              buyersByCluster.getOrDefault(c.cluster(), 0L),
              c.valueScore(),
              c.scaledRecency(),
              c.scaledFrequency(),
              c.scaledMonetary(),
              c.recencyDays(),
              c.frequency(),
              c.monetary()));
    }
    return spark.createDataFrame(rows, Catalog.TIER_CENTROIDS.schema());
  }
}
