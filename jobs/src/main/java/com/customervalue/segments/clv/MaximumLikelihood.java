package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.Gradient;
import org.apache.spark.mllib.optimization.LBFGS;
import org.apache.spark.mllib.optimization.SimpleUpdater;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Maximum-likelihood fitting on Spark: the data rows (distinct summaries with their customer
 * counts) stay on the executors, and every evaluation is one aggregation that sums count x
 * log-likelihood at several parameter points at once (the point and its 2p central-difference
 * neighbours for the gradient; all the second-difference points for the Hessian). The driver holds
 * only parameters. The optimizer is Breeze's L-BFGS as Spark MLlib runs it ({@link LBFGS#runLBFGS}:
 * one tree aggregation of loss and gradient per evaluation), over log parameters, which keeps them
 * positive; the Hessian for the standard errors is one more pass.
 */
public final class MaximumLikelihood {
  /** Step of the central differences in log parameters: gradient and Hessian. */
  private static final double GRADIENT_STEP = 1e-5;

  private static final double HESSIAN_STEP = 1e-4;
  private static final int MAX_ITERATIONS = 500;

  /** Breeze L-BFGS: memory and the relative tolerance of its convergence checks. */
  private static final int CORRECTIONS = 10;

  private static final double TOLERANCE = 1e-9;

  /**
   * From this many customers on, the optimizer first runs on a random sample of about {@link
   * #SAMPLE_CUSTOMERS} customers and starts the fit on all rows from the sample's estimates: the
   * sample's iterations are cheap, and from there the full data needs only a few (the result is
   * still the full data's maximum, under the same convergence criterion).
   */
  static final long WARM_START_CUSTOMERS = 500_000;

  static final long SAMPLE_CUSTOMERS = 100_000;

  /** Fixed: the sample, and so the fit, is the same on every run. */
  private static final long SAMPLE_SEED = 0x9E3779B97F4A7C15L;

  /** Rows per partition of the cached fitting data, at least (see {@link #fit}). */
  private static final long ROWS_PER_PARTITION = 20_000;

  /**
   * The fit counts as converged when the information matrix is positive definite (an interior
   * maximum: on data too small to identify the model the estimates run off towards 0 or infinity,
   * where the slopes vanish too) and every slope of the mean log-likelihood per customer in log
   * parameters is below this at the optimum (Breeze stops, and logs an error, when its line search
   * can no longer improve on numerical noise there).
   */
  private static final double STATIONARY_SLOPE = 1e-4;

  private MaximumLikelihood() {}

  /**
   * Fits {@code model} on {@code rows}: its {@link ClvModel#dataColumns()} and a weight column, the
   * number of customers each row stands for (1 for per-customer rows, the group count for
   * compressed ones). The rows are cached while fitting.
   */
  public static ModelFit fit(ClvModel model, Dataset<Row> rows, String weightColumn) {
    return fit(model, rows, weightColumn, WARM_START_CUSTOMERS, SAMPLE_CUSTOMERS);
  }

  /**
   * {@link #fit(ClvModel, Dataset, String)} with a warm start from a sample of about {@code
   * sampleCustomers} customers when there are at least {@code warmStartCustomers}.
   */
  static ModelFit fit(
      ClvModel model,
      Dataset<Row> rows,
      String weightColumn,
      long warmStartCustomers,
      long sampleCustomers) {
    List<String> columns = model.dataColumns();
    Column[] selected = new Column[columns.size() + 1];
    for (int i = 0; i < columns.size(); i++) {
      selected[i] = col(columns.get(i)).cast(DataTypes.DoubleType);
    }
    selected[columns.size()] = col(weightColumn).cast(DataTypes.DoubleType);
    int width = selected.length;
    JavaRDD<double[]> rowsAsArrays =
        rows.select(selected)
            .toJavaRDD()
            .map(
                row -> {
                  double[] values = new double[width];
                  for (int i = 0; i < width; i++) {
                    values[i] = row.getDouble(i);
                  }
                  return values;
                });
    double[] totals =
        rowsAsArrays.aggregate(
            new double[2],
            (sum, row) -> new double[] {sum[0] + row[width - 1], sum[1] + 1},
            (left, right) -> new double[] {left[0] + right[0], left[1] + right[1]});
    long customers = Math.round(totals[0]);
    long distinctRows = Math.round(totals[1]);
    if (customers == 0) {
      throw new IllegalArgumentException("no customers to fit " + model.settingName() + " on");
    }
    // Every evaluation is a job over these partitions: as few as keep the cores busy, since a
    // shuffle's 200 partitions of a few thousand triples would cost more in tasks than in sums.
    int partitions =
        (int)
            Math.max(
                1,
                Math.min(
                    rowsAsArrays.context().defaultParallelism(),
                    (distinctRows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    JavaRDD<double[]> data =
        rowsAsArrays.coalesce(partitions).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      double[] start = new double[model.parameterNames().size()];
      if (customers >= warmStartCustomers && sampleCustomers < customers) {
        JavaRDD<double[]> sample = customerSample(data, (double) sampleCustomers / customers);
        try {
          start = maximize(model, sample, start).logParameters();
        } finally {
          sample.unpersist(false);
        }
      }
      return optimize(model, data, customers, distinctRows, start);
    } finally {
      data.unpersist(false);
    }
  }

  /** Sum over rows of weight x log-likelihood at each of {@code points} (natural parameters). */
  static double[] logLikelihoods(ClvModel model, JavaRDD<double[]> data, double[][] points) {
    int count = points.length;
    return data.mapPartitions(
            rows -> {
              PointEvaluator evaluator = new PointEvaluator(model, points);
              double[] sums = new double[count];
              while (rows.hasNext()) {
                evaluator.add(rows.next(), sums);
              }
              return List.of(sums).iterator();
            })
        .reduce(
            (left, right) -> {
              double[] sum = left.clone();
              for (int k = 0; k < count; k++) {
                sum[k] += right[k];
              }
              return sum;
            });
  }

  private static ModelFit optimize(
      ClvModel model, JavaRDD<double[]> data, long customers, long distinctRows, double[] start) {
    Maximum maximum = maximize(model, data, start);
    double[] logParameters = maximum.logParameters();
    int iterations = maximum.iterations();
    double[] parameters = exp(logParameters);
    Curvature curvature = curvature(model, data, logParameters);
    boolean stationary = true;
    for (double slope : curvature.gradient()) {
      stationary &= Math.abs(slope) / customers < STATIONARY_SLOPE;
    }
    return new ModelFit(
        model,
        parameters,
        curvature.standardErrors(),
        curvature.logLikelihood(),
        customers,
        distinctRows,
        iterations,
        iterations < MAX_ITERATIONS
            && Double.isFinite(curvature.logLikelihood())
            && stationary
            && Arrays.stream(curvature.standardErrors()).allMatch(Double::isFinite));
  }

  /** The optimizer's result: the log parameters at the maximum and its iterations. */
  private record Maximum(double[] logParameters, int iterations) {}

  /** Breeze L-BFGS from {@code start} (log parameters) on the weighted rows. */
  private static Maximum maximize(ClvModel model, JavaRDD<double[]> data, double[] start) {
    JavaRDD<Tuple2<Object, Vector>> examples =
        data.map(
            row -> {
              double[] values = Arrays.copyOf(row, row.length - 1);
              return new Tuple2<Object, Vector>(row[row.length - 1], Vectors.dense(values));
            });
    examples.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Tuple2<Vector, double[]> result =
          LBFGS.runLBFGS(
              examples.rdd(),
              new NegativeLogLikelihoodGradient(model),
              new SimpleUpdater(),
              CORRECTIONS,
              TOLERANCE,
              MAX_ITERATIONS,
              0.0,
              Vectors.dense(start));
      return new Maximum(result._1().toArray(), result._2().length - 1);
    } finally {
      examples.unpersist(false);
    }
  }

  /**
   * A random sample of the customers behind the weighted rows, each kept with probability {@code
   * fraction}: a row standing for c customers keeps Binomial(c, fraction) of them (drawn from a
   * generator seeded by the row's values, so the sample does not depend on the partitioning), and
   * rows that keep none are dropped.
   */
  static JavaRDD<double[]> customerSample(JavaRDD<double[]> data, double fraction) {
    return data.map(
            row -> {
              int weightIndex = row.length - 1;
              double[] values = Arrays.copyOf(row, weightIndex);
              SplittableRandom random = new SplittableRandom(Arrays.hashCode(values) * SAMPLE_SEED);
              long customers = Math.round(row[weightIndex]);
              long kept = 0;
              for (long i = 0; i < customers; i++) {
                if (random.nextDouble() < fraction) {
                  kept++;
                }
              }
              double[] sampled = row.clone();
              sampled[weightIndex] = kept;
              return sampled;
            })
        .filter(row -> row[row.length - 1] > 0)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * The negative log-likelihood of one weighted row (label = customers, features = the data
   * columns) at log parameters, and its gradient: analytic where the model has one ({@link
   * GradientEvaluator}), else by central differences, 2p + 1 evaluations of the row's
   * log-likelihood in the same pass.
   */
  private static final class NegativeLogLikelihoodGradient extends Gradient {
    private static final long serialVersionUID = 1L;
    private final ClvModel model;
    // Per task: the evaluator of the current point (Spark ships a copy of this object per task).
    private transient double[] evaluatorPoint;
    private transient PointEvaluator evaluator;
    private transient GradientEvaluator gradientEvaluator;
    private transient double[] gradient;
    private transient double[] row;
    private transient double[] lls;

    NegativeLogLikelihoodGradient(ClvModel model) {
      this.model = model;
    }

    @Override
    public double compute(Vector features, double weight, Vector logParameters, Vector sum) {
      double[] point = logParameters.toArray();
      if (model.hasAnalyticGradient()) {
        if (gradientEvaluator == null || !Arrays.equals(point, evaluatorPoint)) {
          evaluatorPoint = point.clone();
          gradientEvaluator = new GradientEvaluator(model, exp(point));
          gradient = new double[point.length];
        }
        Arrays.fill(gradient, 0);
        double ll = gradientEvaluator.add(features.toArray(), weight, gradient);
        double[] total = ((DenseVector) sum).values();
        for (int i = 0; i < point.length; i++) {
          total[i] -= gradient[i];
        }
        return -ll;
      }
      if (evaluator == null || !Arrays.equals(point, evaluatorPoint)) {
        evaluatorPoint = point.clone();
        evaluator = new PointEvaluator(model, gradientPoints(point));
        row = new double[features.size() + 1];
        lls = new double[1 + 2 * point.length];
      }
      double[] values = features.toArray();
      System.arraycopy(values, 0, row, 0, values.length);
      row[values.length] = 1;
      Arrays.fill(lls, 0);
      evaluator.add(row, lls);
      double[] gradient = ((DenseVector) sum).values();
      for (int i = 0; i < point.length; i++) {
        gradient[i] -= weight * (lls[1 + 2 * i] - lls[2 + 2 * i]) / (2 * GRADIENT_STEP);
      }
      return -weight * lls[0];
    }
  }

  /** The point (natural parameters) and its 2p central-difference neighbours, from log ones. */
  private static double[][] gradientPoints(double[] logParameters) {
    int n = logParameters.length;
    double[][] points = new double[1 + 2 * n][];
    points[0] = exp(logParameters);
    for (int i = 0; i < n; i++) {
      points[1 + 2 * i] = exp(shifted(logParameters, i, GRADIENT_STEP, -1, 0));
      points[2 + 2 * i] = exp(shifted(logParameters, i, -GRADIENT_STEP, -1, 0));
    }
    return points;
  }

  /** The log-likelihood at the optimum, its gradient in log parameters, the standard errors. */
  private record Curvature(double logLikelihood, double[] gradient, double[] standardErrors) {}

  /**
   * Standard errors from the observed information -H in the natural parameters theta = exp(phi):
   * d2l/dtheta_i dtheta_j = (d2l/dphi_i dphi_j - [i = j] dl/dphi_i) / (theta_i theta_j), with the
   * derivatives in phi by central differences, all points in one pass.
   */
  private static Curvature curvature(
      ClvModel model, JavaRDD<double[]> data, double[] logParameters) {
    int n = logParameters.length;
    double h = HESSIAN_STEP;
    List<double[]> points = new java.util.ArrayList<>();
    points.add(logParameters);
    for (int i = 0; i < n; i++) {
      points.add(shifted(logParameters, i, h, -1, 0));
      points.add(shifted(logParameters, i, -h, -1, 0));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        points.add(shifted(logParameters, i, h, j, h));
        points.add(shifted(logParameters, i, h, j, -h));
        points.add(shifted(logParameters, i, -h, j, h));
        points.add(shifted(logParameters, i, -h, j, -h));
      }
    }
    double[][] natural = points.stream().map(MaximumLikelihood::exp).toArray(double[][]::new);
    double[] ll = logLikelihoods(model, data, natural);
    double center = ll[0];
    double[][] hessian = new double[n][n];
    double[] gradient = new double[n];
    for (int i = 0; i < n; i++) {
      double plus = ll[1 + 2 * i];
      double minus = ll[2 + 2 * i];
      gradient[i] = (plus - minus) / (2 * h);
      hessian[i][i] = (plus - 2 * center + minus) / (h * h);
    }
    int k = 1 + 2 * n;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double mixed = (ll[k] - ll[k + 1] - ll[k + 2] + ll[k + 3]) / (4 * h * h);
        hessian[i][j] = mixed;
        hessian[j][i] = mixed;
        k += 4;
      }
    }
    double[] theta = exp(logParameters);
    double[][] information = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double second = hessian[i][j] - (i == j ? gradient[i] : 0);
        information[i][j] = -second / (theta[i] * theta[j]);
      }
    }
    double[] errors = new double[n];
    try {
      RealMatrix covariance =
          new LUDecomposition(new Array2DRowRealMatrix(information)).getSolver().getInverse();
      for (int i = 0; i < n; i++) {
        double variance = covariance.getEntry(i, i);
        errors[i] = variance > 0 ? Math.sqrt(variance) : Double.NaN;
      }
    } catch (SingularMatrixException e) {
      Arrays.fill(errors, Double.NaN);
    }
    return new Curvature(center, gradient, errors);
  }

  private static double[] shifted(double[] point, int i, double di, int j, double dj) {
    double[] copy = point.clone();
    copy[i] += di;
    if (j >= 0) {
      copy[j] += dj;
    }
    return copy;
  }

  private static double[] exp(double[] logs) {
    double[] values = new double[logs.length];
    for (int i = 0; i < logs.length; i++) {
      values[i] = Math.exp(logs[i]);
    }
    return values;
  }
}
