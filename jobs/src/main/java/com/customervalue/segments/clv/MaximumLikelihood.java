package com.customervalue.segments.clv;

import static org.apache.spark.sql.functions.col;

import breeze.linalg.DenseVector;
import breeze.optimize.CachedDiffFunction;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * Maximum-likelihood fitting of the weighted data rows (distinct summaries with their customer
 * counts): every evaluation sums count x log-likelihood and its analytic gradient over the rows
 * ({@link GradientEvaluator}). Up to {@link #LOCAL_ROWS} rows (a few thousand on Online Retail or
 * CDNOW, whatever their number of customers) are collected once and every evaluation is a loop on
 * the driver; more stay on the executors, and every evaluation is one Spark job. The optimizer is
 * the same in both: Breeze's L-BFGS as Spark MLlib's {@code LBFGS.runLBFGS} runs it (the mean
 * negative log-likelihood per row, the same memory, tolerance and iteration limit), over log
 * parameters, which keeps them positive. On many rows and many customers it first fits a customer
 * sample (on the driver when it has few rows) and continues on all rows from there, in coordinates
 * scaled by the sample's information ({@link Coordinates}). The Hessian for the standard errors is
 * one more evaluation, by forward differences of the gradient.
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
   * Up to this many distinct rows the fit runs on the driver: they take 32 bytes each there (1.6 MB
   * at most), and one evaluation over them takes at most about 25 ms (per row 0.5 us for
   * Pareto/NBD, 0.2 for BG/NBD, 0.1 for Gamma-Gamma, measured on CDNOW's 11,104 distinct triples),
   * less than the fixed cost of the Spark job it replaces (about 30 ms) however many cores the
   * executors have. A fit makes 25 to 60 evaluations.
   */
  static final long LOCAL_ROWS = 50_000;

  /**
   * From this many customers on (and more than {@link #LOCAL_ROWS} rows), the optimizer first runs
   * on a random sample of about {@link #SAMPLE_CUSTOMERS} customers and starts the fit on all rows
   * from the sample's estimates: the sample's iterations are cheap, and from there the full data
   * needs only a few (the result is still the full data's maximum, under the same convergence
   * criterion). On fewer rows the driver's iterations are cheap already, and a sample of customers
   * that each row stands for many of would keep most rows.
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
   * compressed ones). The rows are cached while fitting, or collected when few.
   */
  public static ModelFit fit(ClvModel model, Dataset<Row> rows, String weightColumn) {
    return fit(model, rows, weightColumn, WARM_START_CUSTOMERS, SAMPLE_CUSTOMERS, LOCAL_ROWS);
  }

  /**
   * {@link #fit(ClvModel, Dataset, String)} on the driver up to {@code localRows} distinct rows;
   * above, on the executors, with a warm start from a sample of about {@code sampleCustomers}
   * customers when there are at least {@code warmStartCustomers}.
   */
  static ModelFit fit(
      ClvModel model,
      Dataset<Row> rows,
      String weightColumn,
      long warmStartCustomers,
      long sampleCustomers,
      long localRows) {
    List<String> columns = model.dataColumns();
    Column[] selected = new Column[columns.size() + 1];
    for (int i = 0; i < columns.size(); i++) {
      selected[i] = col(columns.get(i)).cast(DataTypes.DoubleType);
    }
    selected[columns.size()] = col(weightColumn).cast(DataTypes.DoubleType);
    int width = selected.length;
    // The data columns, then the weight; cached: the count, then every evaluation or the collect,
    // reads them.
    JavaRDD<double[]> examples =
        rows.select(selected)
            .toJavaRDD()
            .map(
                row -> {
                  double[] values = new double[width];
                  for (int i = 0; i < width; i++) {
                    values[i] = row.getDouble(i);
                  }
                  return values;
                })
            .persist(StorageLevel.MEMORY_AND_DISK());
    double[] totals =
        examples.aggregate(
            new double[2],
            (sum, row) -> new double[] {sum[0] + row[width - 1], sum[1] + 1},
            (left, right) -> new double[] {left[0] + right[0], left[1] + right[1]});
    long customers = Math.round(totals[0]);
    long distinctRows = Math.round(totals[1]);
    if (customers == 0) {
      examples.unpersist(false);
      throw new IllegalArgumentException("no customers to fit " + model.settingName() + " on");
    }
    try {
      int dimension = model.parameterNames().size();
      Coordinates coordinates = Coordinates.logParameters(dimension);
      // Few rows go to the driver however many customers they stand for: there a fit on all rows
      // costs less than the sample's jobs would.
      if (distinctRows <= localRows) {
        return optimize(model, new LocalRows(examples.collect()), customers, coordinates);
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
      JavaRDD<double[]> partitioned = examples.coalesce(partitions);
      if (customers >= warmStartCustomers && sampleCustomers < customers) {
        double fraction = (double) sampleCustomers / customers;
        JavaRDD<double[]> sampled =
            customerSample(partitioned, fraction).persist(StorageLevel.MEMORY_AND_DISK());
        try {
          long sampleRows = sampled.count();
          FittingRows sample =
              sampleRows <= localRows
                  ? new LocalRows(sampled.collect())
                  : new DistributedRows(sampled, sampleRows);
          double[] estimate = maximize(model, sample, coordinates).logParameters();
          // A sample that cannot identify the model leaves the full fit its cold start.
          if (Arrays.stream(estimate).allMatch(Double::isFinite)) {
            Curvature curvature = curvature(model, sample, estimate);
            coordinates = Coordinates.whitened(estimate, curvature.logHessian());
          }
        } finally {
          sampled.unpersist(false);
        }
      }
      return optimize(
          model, new DistributedRows(partitioned, distinctRows), customers, coordinates);
    } finally {
      examples.unpersist(false);
    }
  }

  /**
   * The weighted fitting rows (the data columns, then the weight) and sums over them: on the
   * executors or on the driver, with the same arithmetic.
   */
  interface FittingRows {
    /** The number of rows. */
    long count();

    /**
     * Sum over rows of weight x log-likelihood and of its gradient in log parameters at each of
     * {@code points} (log parameters): element k is {ll, d ll / d phi_1, ...} at point k.
     */
    double[][] sums(ClvModel model, double[][] points);
  }

  /** Rows collected to the driver: every sum is a loop there. */
  record LocalRows(List<double[]> rows) implements FittingRows {
    @Override
    public long count() {
      return rows.size();
    }

    @Override
    public double[][] sums(ClvModel model, double[][] points) {
      return sum(model, points, rows.iterator());
    }
  }

  /** Rows on the executors: every sum is one Spark job, a sum per partition added on the driver. */
  record DistributedRows(JavaRDD<double[]> rows, long count) implements FittingRows {
    @Override
    public double[][] sums(ClvModel model, double[][] points) {
      return rows.mapPartitions(
              part -> Collections.singletonList(sum(model, points, part)).iterator())
          .reduce(MaximumLikelihood::add);
    }
  }

  /** {@link FittingRows#sums} over {@code rows}. */
  private static double[][] sum(ClvModel model, double[][] points, Iterator<double[]> rows) {
    int count = points.length;
    int n = points[0].length;
    GradientEvaluator[] evaluators = new GradientEvaluator[count];
    for (int k = 0; k < count; k++) {
      evaluators[k] = new GradientEvaluator(model, exp(points[k]));
    }
    double[][] sums = new double[count][1 + n];
    double[] gradient = new double[n];
    while (rows.hasNext()) {
      double[] row = rows.next();
      double weight = row[row.length - 1];
      for (int k = 0; k < count; k++) {
        Arrays.fill(gradient, 0);
        sums[k][0] += evaluators[k].add(row, weight, gradient);
        for (int i = 0; i < n; i++) {
          sums[k][1 + i] += gradient[i];
        }
      }
    }
    return sums;
  }

  private static double[][] add(double[][] left, double[][] right) {
    double[][] sum = new double[left.length][];
    for (int k = 0; k < left.length; k++) {
      sum[k] = left[k].clone();
      for (int i = 0; i < sum[k].length; i++) {
        sum[k][i] += right[k][i];
      }
    }
    return sum;
  }

  private static ModelFit optimize(
      ClvModel model, FittingRows data, long customers, Coordinates coordinates) {
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
        data.count(),
        iterations,
        iterations < MAX_ITERATIONS
            && Double.isFinite(curvature.logLikelihood())
            && stationary
            && Arrays.stream(curvature.standardErrors()).allMatch(Double::isFinite));
  }

  /** The optimizer's result: the log parameters at the maximum and its iterations. */
  private record Maximum(double[] logParameters, int iterations) {}

  /**
   * Breeze L-BFGS in {@code coordinates}, from their origin, on the weighted rows, as MLlib's
   * {@code LBFGS.runLBFGS} runs it: the same minimizer and settings, on the cached mean loss per
   * row, its iterations the states after the first.
   */
  private static Maximum maximize(ClvModel model, FittingRows rows, Coordinates coordinates) {
    LBFGS<DenseVector<Object>> lbfgs =
        new LBFGS<>(MAX_ITERATIONS, CORRECTIONS, TOLERANCE, DenseVector.space_Double());
    DiffFunction<DenseVector<Object>> cost =
        new CachedDiffFunction<>(
            new MeanNegativeLogLikelihood(model, rows, coordinates).asDiffFunction(),
            DenseVector.canCopyDenseVector(ClassTag$.MODULE$.Double()));
    scala.collection.Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>>
        states = lbfgs.iterations(cost, vector(new double[coordinates.origin().length]));
    FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> state = states.next();
    int iterations = 0;
    while (states.hasNext()) {
      state = states.next();
      iterations++;
    }
    return new Maximum(coordinates.logParameters(values(state.x())), iterations);
  }

  private static DenseVector<Object> vector(double[] values) {
    return new breeze.linalg.DenseVector$mcD$sp(values);
  }

  private static double[] values(DenseVector<Object> vector) {
    return vector.toArray$mcD$sp(ClassTag$.MODULE$.Double());
  }

  /**
   * The cost MLlib's {@code LBFGS.runLBFGS} minimizes with {@code SimpleUpdater} and no
   * regularization: the negative log-likelihood summed over the rows and divided by their number
   * (not by the customers), with its gradient, at a point of {@link Coordinates}: the model's
   * analytic gradient in log parameters times the coordinates' matrix.
   */
  private record MeanNegativeLogLikelihood(
      ClvModel model, FittingRows rows, Coordinates coordinates) {
    /** {@code DiffFunction.calculate}: the loss and its gradient at {@code point}. */
    Tuple2<Object, DenseVector<Object>> calculate(Object point) {
      @SuppressWarnings("unchecked")
      double[] u = values((DenseVector<Object>) point);
      double[] sums = rows.sums(model, new double[][] {coordinates.logParameters(u)})[0];
      double[][] matrix = coordinates.matrix();
      double[] gradient = new double[u.length];
      for (int j = 0; j < u.length; j++) {
        for (int i = 0; i < matrix.length; i++) {
          gradient[j] -= matrix[i][j] * sums[1 + i];
        }
      }
      // As MLlib: the loss divided by the row count, the gradient times its reciprocal.
      double rowCount = rows.count();
      double scale = 1.0 / rowCount;
      for (int j = 0; j < u.length; j++) {
        gradient[j] *= scale;
      }
      return new Tuple2<>(-sums[0] / rowCount, vector(gradient));
    }

    /**
     * This cost as a Breeze {@code DiffFunction}, whose one method Breeze calls on it ({@link
     * CachedDiffFunction}, which MLlib wraps it in too, calls nothing else) is {@link #calculate}.
     * Java source can neither implement the Scala trait nor extend a Scala class that does: its
     * {@code apply} returns a double where the inherited {@code Function1.apply} returns an Object,
     * two methods that Scala classes carry side by side (the JVM tells them apart by return type,
     * javac refuses them). The JVM's lambda factory implements {@code calculate} without that
     * check; the trait's other methods keep their defaults.
     */
    @SuppressWarnings("unchecked")
    DiffFunction<DenseVector<Object>> asDiffFunction() {
      MethodType calculate = MethodType.methodType(Tuple2.class, Object.class);
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        return (DiffFunction<DenseVector<Object>>)
            LambdaMetafactory.metafactory(
                    lookup,
                    "calculate",
                    MethodType.methodType(DiffFunction.class, MeanNegativeLogLikelihood.class),
                    calculate,
                    lookup.findVirtual(MeanNegativeLogLikelihood.class, "calculate", calculate),
                    calculate)
                .getTarget()
                .invoke(this);
      } catch (Throwable e) {
        throw new IllegalStateException("cannot make a Breeze DiffFunction", e);
      }
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
              int weight = row.length - 1;
              double[] values = Arrays.copyOf(row, weight);
              SplittableRandom random = new SplittableRandom(Arrays.hashCode(values) * SAMPLE_SEED);
              long customers = Math.round(row[weight]);
              long kept = 0;
              for (long i = 0; i < customers; i++) {
                if (random.nextDouble() < fraction) {
                  kept++;
                }
              }
              double[] sampled = row.clone();
              sampled[weight] = kept;
              return sampled;
            })
        .filter(row -> row[row.length - 1] > 0);
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

  /** The log-likelihood at the optimum, its gradient in log parameters, the standard errors. */
  private record Curvature(
      double logLikelihood, double[] gradient, double[][] logHessian, double[] standardErrors) {}

  /**
   * Standard errors from the observed information -H in the natural parameters theta = exp(phi):
   * d2l/dtheta_i dtheta_j = (d2l/dphi_i dphi_j - [i = j] dl/dphi_i) / (theta_i theta_j), with the
   * second derivatives in phi by forward differences of the analytic gradient, all p + 1 points in
   * one pass.
   */
  private static Curvature curvature(ClvModel model, FittingRows data, double[] logParameters) {
    int n = logParameters.length;
    double h = HESSIAN_STEP;
    double[][] points = new double[1 + n][];
    points[0] = logParameters;
    for (int i = 0; i < n; i++) {
      points[1 + i] = shifted(logParameters, i, h);
    }
    double[][] sums = data.sums(model, points);
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
