/**
 * Likelihood arithmetic that needs no model: bits per dimension from a log density with its
 * dequantization Jacobian, streaming moments, quantiles, and the per-dataset NLL summary with its confidence
 * interval. Depends on no other package of the project.
 */
package org.scoresde.evaluate;
