/**
 * Batched ODE solvers with one time per row: adaptive Dormand-Prince 5(4) with per-row step
 * control, and the fixed-step methods (Euler, Heun, RK4). Uses nd4j only.
 */
package org.scoresde.ode;
