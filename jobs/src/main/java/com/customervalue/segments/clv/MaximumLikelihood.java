package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
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
 * log-likelihood and its analytic gradient ({@link GradientEvaluator}). The driver holds only
 * parameters. The optimizer is Breeze's L-BFGS as Spark MLlib runs it ({@link LBFGS#runLBFGS}: one
 * tree aggregation of loss and gradient per evaluation), over log parameters, which keeps them
 * positive. On many customers it first fits a customer sample and continues on all rows from there,
 * in coordinates scaled by the sample's information ({@link Coordinates}). The Hessian for the
 * standard errors is one more pass, by forward differences of the gradient.
 */
public final class MaximumLikelihood {
  /**
   * Step of the forward differences of the gradient that make the Hessian, in log parameters: their
   * error, of the order of the step, is far below what standard errors need.
   */
  private static final double HESSIAN_STEP = 1e-6;

  /**
   * A fit that converges does so in a few dozen iterations (CDNOW: about 25); one that runs this
   * long is heading for a boundary (a parameter to 0 or infinity, e.g. Pareto/NBD on customers who
   * never drop out) and is reported unconverged rather than followed there.
   */
  private static final int MAX_ITERATIONS = 150;

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
    // MLlib's examples (label = the row's customers, features = its data columns), cached: every
    // evaluation of the optimizer and of the curvature reads them.
    JavaRDD<Tuple2<Object, Vector>> examples =
        rows.select(selected)
            .toJavaRDD()
            .map(
                row -> {
                  double[] values = new double[width - 1];
                  for (int i = 0; i < width - 1; i++) {
                    values[i] = row.getDouble(i);
                  }
                  return new Tuple2<Object, Vector>(
                      row.getDouble(width - 1), Vectors.dense(values));
                })
            .persist(StorageLevel.MEMORY_AND_DISK());
    double[] totals =
        examples.aggregate(
            new double[2],
            (sum, row) -> new double[] {sum[0] + (Double) row._1(), sum[1] + 1},
            (left, right) -> new double[] {left[0] + right[0], left[1] + right[1]});
    long customers = Math.round(totals[0]);
    long distinctRows = Math.round(totals[1]);
    if (customers == 0) {
      examples.unpersist(false);
      throw new IllegalArgumentException("no customers to fit " + model.settingName() + " on");
    }
    // Every evaluation is a job over these partitions: as few as keep the cores busy, since a
    // shuffle's 200 partitions of a few thousand triples would cost more in tasks than in sums.
    int partitions =
        (int)
            Math.max(
                1,
                Math.min(
                    examples.context().defaultParallelism(),
                    (distinctRows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION));
    JavaRDD<Tuple2<Object, Vector>> data = examples.coalesce(partitions);
    try {
      int dimension = model.parameterNames().size();
      Coordinates coordinates = Coordinates.logParameters(dimension);
      if (customers >= warmStartCustomers && sampleCustomers < customers) {
        double fraction = (double) sampleCustomers / customers;
        JavaRDD<Tuple2<Object, Vector>> sample = customerSample(data, fraction);
        try {
          double[] estimate = maximize(model, sample, coordinates).logParameters();
          // A sample that cannot identify the model leaves the full fit its cold start.
          if (Arrays.stream(estimate).allMatch(Double::isFinite)) {
            Curvature curvature = curvature(model, sample, estimate);
            coordinates = Coordinates.whitened(estimate, curvature.logHessian());
          }
        } finally {
          sample.unpersist(false);
        }
      }
      return optimize(model, data, customers, distinctRows, coordinates);
    } finally {
      examples.unpersist(false);
    }
  }

  /**
   * Sum over rows of weight x log-likelihood and of its gradient in log parameters at each of
   * {@code points} (log parameters): element k is {ll, d ll / d phi_1, ...} at point k.
   */
  static double[][] gradients(
      ClvModel model, JavaRDD<Tuple2<Object, Vector>> data, double[][] points) {
    int count = points.length;
    int n = points[0].length;
    return data.mapPartitions(
            rows -> {
              GradientEvaluator[] evaluators = new GradientEvaluator[count];
              for (int k = 0; k < count; k++) {
                evaluators[k] = new GradientEvaluator(model, exp(points[k]));
              }
              double[][] sums = new double[count][1 + n];
              double[] gradient = new double[n];
              while (rows.hasNext()) {
                Tuple2<Object, Vector> example = rows.next();
                double[] row = ((DenseVector) example._2()).values();
                double weight = (Double) example._1();
                for (int k = 0; k < count; k++) {
                  Arrays.fill(gradient, 0);
                  sums[k][0] += evaluators[k].add(row, weight, gradient);
                  for (int i = 0; i < n; i++) {
                    sums[k][1 + i] += gradient[i];
                  }
                }
              }
              return java.util.Collections.singletonList(sums).iterator();
            })
        .reduce(
            (left, right) -> {
              double[][] sum = new double[count][];
              for (int k = 0; k < count; k++) {
                sum[k] = left[k].clone();
                for (int i = 0; i <= n; i++) {
                  sum[k][i] += right[k][i];
                }
              }
              return sum;
            });
  }

  private static ModelFit optimize(
      ClvModel model,
      JavaRDD<Tuple2<Object, Vector>> data,
      long customers,
      long distinctRows,
      Coordinates coordinates) {
    Maximum maximum = maximize(model, data, coordinates);
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

  /** Breeze L-BFGS in {@code coordinates}, from their origin, on the weighted rows. */
  private static Maximum maximize(
      ClvModel model, JavaRDD<Tuple2<Object, Vector>> examples, Coordinates coordinates) {
    Tuple2<Vector, double[]> result =
        LBFGS.runLBFGS(
            examples.rdd(),
            new NegativeLogLikelihoodGradient(model, coordinates),
            new SimpleUpdater(),
            CORRECTIONS,
            TOLERANCE,
            MAX_ITERATIONS,
            0.0,
            Vectors.zeros(coordinates.origin().length));
    return new Maximum(coordinates.logParameters(result._1().toArray()), result._2().length - 1);
  }

  /**
   * A random sample of the customers behind the weighted rows, each kept with probability {@code
   * fraction}: a row standing for c customers keeps Binomial(c, fraction) of them (drawn from a
   * generator seeded by the row's values, so the sample does not depend on the partitioning), and
   * rows that keep none are dropped.
   */
  static JavaRDD<Tuple2<Object, Vector>> customerSample(
      JavaRDD<Tuple2<Object, Vector>> data, double fraction) {
    return data.map(
            row -> {
              double[] values = ((DenseVector) row._2()).values();
              SplittableRandom random = new SplittableRandom(Arrays.hashCode(values) * SAMPLE_SEED);
              long customers = Math.round((Double) row._1());
              long kept = 0;
              for (long i = 0; i < customers; i++) {
                if (random.nextDouble() < fraction) {
                  kept++;
                }
              }
              return new Tuple2<Object, Vector>((double) kept, row._2());
            })
        .filter(row -> (Double) row._1() > 0)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * The coordinates the optimizer works in: log parameters phi = origin + matrix u. Plain log
   * parameters (origin 0, identity) from a cold start; from a sample's estimate, coordinates in
   * which the sample's information is the identity: there the full data's log-likelihood is close
   * to a round bowl whose centre, the full data's estimate, lies about one unit per parameter from
   * the origin (the sample estimate's standard errors), which is what L-BFGS's first step, of
   * length 1 downhill, assumes; it then needs only a few iterations (the maximum is the same in any
   * coordinates).
   */
  record Coordinates(double[] origin, double[][] matrix) implements java.io.Serializable {
    static Coordinates logParameters(int dimension) {
      double[][] identity = new double[dimension][dimension];
      for (int i = 0; i < dimension; i++) {
        identity[i][i] = 1;
      }
      return new Coordinates(new double[dimension], identity);
    }

    /**
     * Centred on {@code estimate}, scaled by the information -{@code logHessian}: matrix = C^-T for
     * C C^T = the information. Centred only when it is not positive definite.
     */
    static Coordinates whitened(double[] estimate, double[][] logHessian) {
      int n = estimate.length;
      double[][] information = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          information[i][j] = -logHessian[i][j];
        }
      }
      try {
        RealMatrix lower = new CholeskyDecomposition(new Array2DRowRealMatrix(information)).getL();
        double[][] matrix =
            new LUDecomposition(lower.transpose()).getSolver().getInverse().getData();
        if (Arrays.stream(matrix).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite)) {
          return new Coordinates(estimate.clone(), matrix);
        }
      } catch (MathIllegalArgumentException e) {
        // Not positive definite: centred only, below.
      }
      return new Coordinates(estimate.clone(), logParameters(n).matrix());
    }

    double[] logParameters(double[] u) {
      double[] phi = origin.clone();
      for (int i = 0; i < phi.length; i++) {
        for (int j = 0; j < u.length; j++) {
          phi[i] += matrix[i][j] * u[j];
        }
      }
      return phi;
    }
  }

  /**
   * The negative log-likelihood of one weighted row (label = customers, features = the data
   * columns) at a point of {@link Coordinates}, and its gradient there: the model's analytic
   * gradient in log parameters ({@link GradientEvaluator}) times the coordinates' matrix.
   */
  private static final class NegativeLogLikelihoodGradient extends Gradient {
    private static final long serialVersionUID = 1L;
    private final ClvModel model;
    private final Coordinates coordinates;
    // Per task: the evaluator of the current point (Spark ships a copy of this object per task).
    private transient double[] evaluatorPoint;
    private transient GradientEvaluator evaluator;
    private transient double[] gradient;

    NegativeLogLikelihoodGradient(ClvModel model, Coordinates coordinates) {
      this.model = model;
      this.coordinates = coordinates;
    }

    @Override
    public double compute(Vector features, double weight, Vector point, Vector sum) {
      double[] u = point.toArray();
      if (evaluator == null || !Arrays.equals(u, evaluatorPoint)) {
        evaluatorPoint = u.clone();
        evaluator = new GradientEvaluator(model, exp(coordinates.logParameters(u)));
        gradient = new double[coordinates.origin().length];
      }
      Arrays.fill(gradient, 0);
      double ll = evaluator.add(features.toArray(), weight, gradient);
      double[] total = ((DenseVector) sum).values();
      double[][] matrix = coordinates.matrix();
      for (int i = 0; i < gradient.length; i++) {
        for (int j = 0; j < total.length; j++) {
          total[j] -= matrix[i][j] * gradient[i];
        }
      }
      return -ll;
    }
  }

  /** The log-likelihood at the optimum, its gradient in log parameters, the standard errors. */
  private record Curvature(
      double logLikelihood, double[] gradient, double[][] logHessian, double[] standardErrors) {}

  /**
   * Standard errors from the observed information -H in the natural parameters theta = exp(phi):
   * d2l/dtheta_i dtheta_j = (d2l/dphi_i dphi_j - [i = j] dl/dphi_i) / (theta_i theta_j), with the
   * second derivatives in phi by forward differences of the analytic gradient, all p + 1 points in
   * one pass.
   */
  private static Curvature curvature(
      ClvModel model, JavaRDD<Tuple2<Object, Vector>> data, double[] logParameters) {
    int n = logParameters.length;
    double h = HESSIAN_STEP;
    double[][] points = new double[1 + n][];
    points[0] = logParameters;
    for (int i = 0; i < n; i++) {
      points[1 + i] = shifted(logParameters, i, h);
    }
    double[][] sums = gradients(model, data, points);
    double center = sums[0][0];
    double[] gradient = Arrays.copyOfRange(sums[0], 1, 1 + n);
    double[][] hessian = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        hessian[i][j] = (sums[1 + i][1 + j] - gradient[j]) / h;
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double mixed = (hessian[i][j] + hessian[j][i]) / 2;
        hessian[i][j] = mixed;
        hessian[j][i] = mixed;
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
    return new Curvature(center, gradient, hessian, errors);
  }

  private static double[] shifted(double[] point, int i, double step) {
    double[] copy = point.clone();
    copy[i] += step;
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
