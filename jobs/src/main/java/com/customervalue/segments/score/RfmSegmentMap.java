package com.customervalue.segments.score;

import static com.customervalue.segments.score.RfmScores.F_SCORE;
import static com.customervalue.segments.score.RfmScores.M_SCORE;
import static com.customervalue.segments.score.RfmScores.RFM_CELL;
import static com.customervalue.segments.score.RfmScores.R_SCORE;
import static com.customervalue.segments.score.RfmSegments.RFM_SEGMENT;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.customervalue.segments.catalog.Catalog;
import com.customervalue.segments.metrics.CustomerMetrics;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code rfm_segment_map} table: every cell of the R × F × M score cube (125 with 5 bins), the
 * segment the rules in force name it, and the buyers and their revenue in it, so that the map is
 * published whole, empty cells included.
 */
public final class RfmSegmentMap {
  private static final String CUSTOMERS = "customers";
  private static final String REVENUE = "revenue";

  private RfmSegmentMap() {}

  /**
   * The map for {@code bins} and {@code rules}, each cell named as {@link RfmSegments#assign} names
   * its customers, with the buyers of {@code scored} (customer_segments: scores and monetary) per
   * cell; a cell nobody is in has 0 customers and 0 revenue.
   */
  public static Dataset<Row> table(
      SparkSession spark, int bins, List<SegmentRule> rules, Dataset<Row> scored) {
    List<Row> cells = new ArrayList<>();
    for (int r = 1; r <= bins; r++) {
      for (int f = 1; f <= bins; f++) {
        for (int m = 1; m <= bins; m++) {
          cells.add(RowFactory.create(r, f, m, RfmSegments.segmentOf(rules, r, f, m)));
        }
      }
    }
    StructType cellSchema =
        new StructType()
            .add(R_SCORE, DataTypes.IntegerType, false)
            .add(F_SCORE, DataTypes.IntegerType, false)
            .add(M_SCORE, DataTypes.IntegerType, false)
            .add(RFM_SEGMENT, DataTypes.StringType, false);
    Dataset<Row> named = spark.createDataFrame(cells, cellSchema);
    Dataset<Row> occupied =
        scored
            .filter(col(R_SCORE).isNotNull())
            .groupBy(col(R_SCORE), col(F_SCORE), col(M_SCORE))
            .agg(
                count(lit(1)).as(CUSTOMERS),
                sum(col(CustomerMetrics.MONETARY)).cast(Catalog.MONEY).as(REVENUE));
    return named
        .join(occupied, new String[] {R_SCORE, F_SCORE, M_SCORE}, "left")
        .select(
            col(R_SCORE),
            col(F_SCORE),
            col(M_SCORE),
            concat(
                    col(R_SCORE).cast("string"),
                    col(F_SCORE).cast("string"),
                    col(M_SCORE).cast("string"))
                .as(RFM_CELL),
            col(RFM_SEGMENT),
            coalesce(col(CUSTOMERS), lit(0L)).as(CUSTOMERS),
            coalesce(col(REVENUE), lit(BigDecimal.ZERO).cast(Catalog.MONEY)).as(REVENUE))
        .orderBy(col(R_SCORE).desc(), col(F_SCORE).desc(), col(M_SCORE).desc());
  }
}
