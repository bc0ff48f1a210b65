package org.scoresde.ode;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A one-step method that integrates a {@link BatchOde} over a given time grid t_0, ..., t_K, the same
 * for every row. The grid may increase or decrease (samplers run from T down to eps); each step uses
 * h = t_{k+1} - t_k with its sign, and costs {@link #evaluationsPerStep()} batch evaluations of F.
 * Solvers never modify the arrays F returns or the state passed in, so F may return its input.
 */
public interface FixedGridSolver {

  /** A short name for reports: {@code euler}, {@code heun}, {@code rk4}. */
  String name();

  /** How many batch evaluations of F one step costs. */
  int evaluationsPerStep();

  /** One step from time t to t + h (h may be negative) for every row of y [N, M]; returns a new array. */
  INDArray step(BatchOde ode, double t, double h, INDArray y);

  /** The state at the last grid time, starting from y0 [N, M] at grid[0]; y0 is not modified. */
  default INDArray integrate(BatchOde ode, INDArray y0, double[] grid) {
    checkGrid(grid);
    INDArray y = y0;
    for (int k = 0; k + 1 < grid.length; k++) {
      y = step(ode, grid[k], grid[k + 1] - grid[k], y);
    }
    return y == y0 ? y0.dup() : y;
  }

  /** The states at every grid time, y0 (a copy) first and the final state last: K + 1 arrays. */
  default List<INDArray> trajectory(BatchOde ode, INDArray y0, double[] grid) {
    checkGrid(grid);
    List<INDArray> states = new ArrayList<>(grid.length);
    INDArray y = y0.dup();
    states.add(y);
    for (int k = 0; k + 1 < grid.length; k++) {
      y = step(ode, grid[k], grid[k + 1] - grid[k], y);
      states.add(y);
    }
    return states;
  }

  /** The number of batch evaluations of F that integrating over this grid costs. */
  default long evaluations(double[] grid) {
    return (long) evaluationsPerStep() * Math.max(0, grid.length - 1);
  }

  /** The time vector [N] holding t for every row, in the data type of y. */
  static INDArray times(INDArray y, double t) {
    return Nd4j.createUninitialized(y.dataType(), y.size(0)).assign(t);
  }

  /** Rejects grids that are not finite and strictly monotone, with a message naming the fault. */
  static void checkGrid(double[] grid) {
    if (grid == null || grid.length < 1) {
      throw new IllegalArgumentException("time grid must hold at least one time");
    }
    for (double t : grid) {
      if (!Double.isFinite(t)) {
        throw new IllegalArgumentException("time grid holds a non-finite time: " + t);
      }
    }
    if (grid.length > 1) {
      double dir = Math.signum(grid[1] - grid[0]);
      for (int k = 0; k + 1 < grid.length; k++) {
        if (dir == 0 || Math.signum(grid[k + 1] - grid[k]) != dir) {
          throw new IllegalArgumentException(
              "time grid must be strictly increasing or strictly decreasing; fails at index " + k
                  + " (" + grid[k] + " -> " + grid[k + 1] + ")");
        }
      }
    }
  }
}
