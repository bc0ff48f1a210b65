package org.scoresde.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Swish and its derivative against their closed forms, over inputs where DL4J's own swish fails. */
@ExtendWith(SingleThreadNd4j.class)
class SwishActivationTest {

  private static INDArray grid(DataType type, double from, double to, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = from + (to - from) * i / (n - 1);
    }
    return Nd4j.createFromArray(x).castTo(type);
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
  }

  @ParameterizedTest
  @CsvSource({"FLOAT, 2e-7", "DOUBLE, 1e-15"})
  void swishThroughTanhIsAccurate(DataType type, double tolerance) {
    INDArray y = grid(type, -40, 40, 2001);
    INDArray f = SwishActivation.fromHalf(y.mul(0.5), Nd4j.createUninitialized(type, y.shape(), 'c'),
        Nd4j.createUninitialized(type, y.shape(), 'c'));
    for (int i = 0; i < y.length(); i++) {
      // the float input is the grid rounded to float: compare with the swish of that value
      double v = y.getDouble(i);
      assertEquals(v * sigmoid(v), f.getDouble(i), tolerance * Math.max(1, Math.abs(v)), "x = " + v);
    }
  }

  @ParameterizedTest
  @CsvSource({"FLOAT, 2e-6", "DOUBLE, 1e-14"})
  void forwardAndDerivativeMatchTheClosedForms(DataType type, double tolerance) {
    // up to 800: DL4J's ActivationSwish returns NaN derivatives from 45 (float) and 355 (double)
    INDArray x = grid(type, -800, 800, 4001);
    INDArray eps = Nd4j.ones(type, x.shape()).muli(0.5);
    INDArray out = new SwishActivation().getActivation(x.dup(), true);
    INDArray grad = new SwishActivation().backprop(x.dup(), eps).getFirst();
    for (int i = 0; i < x.length(); i++) {
      double v = x.getDouble(i);
      double s = sigmoid(v);
      double f = v * s;
      double d = s * (1 + v * (1 - s));
      assertTrue(Double.isFinite(grad.getDouble(i)), "x = " + v);
      assertEquals(f, out.getDouble(i), tolerance * Math.max(1, Math.abs(f)), "swish at x = " + v);
      assertEquals(0.5 * d, grad.getDouble(i), tolerance * Math.max(1, Math.abs(d)), "derivative at x = " + v);
    }
  }

  @ParameterizedTest
  @CsvSource({"-7.5", "-1.25", "0.0", "0.3", "4.0", "30.0"})
  void derivativeMatchesCentralDifferences(double at) {
    double h = 1e-6;
    INDArray x = Nd4j.createFromArray(at, at + h, at - h);
    INDArray f = new SwishActivation().getActivation(x.dup(), true);
    double fd = (f.getDouble(1) - f.getDouble(2)) / (2 * h);
    double grad = new SwishActivation().backprop(Nd4j.createFromArray(at), Nd4j.createFromArray(1.0)).getFirst().getDouble(0);
    assertEquals(fd, grad, 1e-8 * Math.max(1, Math.abs(fd)));
  }
}
