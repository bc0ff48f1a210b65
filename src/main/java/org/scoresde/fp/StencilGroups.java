package org.scoresde.fp;

/**
 * What a minibatch of {@link FokkerPlanckStencil} groups says about each example, read back from its
 * labels and label mask (or kept by the builder): the centre point, the projection direction, the
 * probes, the steps and the times of the group's rows. All in double; arrays are row-major and not copied.
 *
 * @param n the number of examples (groups)
 * @param d the data dimension D
 * @param probes the probes per example K
 * @param noise the DSM targets eps, [n * d]
 * @param weights the DSM weights w, [n]
 * @param x the centre points x_t, [n * d]
 * @param direction the projection directions u, [n * d]
 * @param probe the probes v, [(n * K) * d], probe a of example i at row i K + a
 * @param directionStep delta, the step along u, [n]
 * @param probeStep epsilon_a, the step along v_a, [n * K]
 * @param time t of the centre row, [n]
 * @param later the time t + h+ of row 1, [n]
 * @param earlier the time t - h- of row 2, [n]
 */
public record StencilGroups(int n, int d, int probes, double[] noise, double[] weights, double[] x, double[] direction,
    double[] probe, double[] directionStep, double[] probeStep, double[] time, double[] later, double[] earlier) {

  /** Rows per example: 3 + 4 K. */
  public int groupSize() {
    return FokkerPlanckStencil.groupSize(probes);
  }

  /** Rows of the whole minibatch: n (3 + 4 K). */
  public int rows() {
    return n * groupSize();
  }
}
