/**
 * Sampling from a score model: fixed-grid reverse-time solvers behind one {@link
 * org.scoresde.sampling.Sampler} interface, the time grids they run on, the deterministic
 * probability-flow encoding, and the model-fitted GITS grid.
 *
 * <p>Conventions shared by every sampler:
 * <ul>
 *   <li>The caller draws the prior noise x_T [N, D] (with {@code Sde.samplePrior}) and a grid from a
 *       {@link org.scoresde.sampling.TimeSchedule}: K + 1 strictly decreasing times from T to eps.
 *   <li>Output at eps: the ODE samplers return x_eps itself; the stochastic ones (Euler-Maruyama,
 *       reverse diffusion, PC, DDIM with eta > 0) return the mean of their last step, adding no
 *       noise on it, as score_sde's "noise removal". No extra Tweedie denoising step is applied; the
 *       recorded denoising trajectory ends with x0_hat at eps for callers who want it.
 *   <li>NFE counts batched score evaluations made by the sampler. Every sampler shows its state at
 *       each grid time to a {@link org.scoresde.sampling.TrajectoryObserver} the caller passes; the
 *       {@link org.scoresde.sampling.TrajectoryRecorder} keeps the first R rows' trajectories, reusing
 *       the sampler's own score where it has one at that state and otherwise evaluating the recorded
 *       rows separately, outside the NFE.
 *   <li>Everything works in x's data type and for any SDE with linear drift (VP, sub-VP, VE),
 *       through gamma_t, sigma_t, a(t), g(t)^2 and the log-SNR only.
 * </ul>
 * {@link org.scoresde.sampling.Samplers} and {@link org.scoresde.sampling.Schedules} are the registries by
 * name that the jobs, verify and {@code --help} read; the adaptive Dormand-Prince sampler is one of
 * them (its grid only marks where a trajectory is recorded), and the GITS schedule is listed there
 * but built from a model.
 */
package org.scoresde.sampling;
