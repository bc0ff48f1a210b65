/**
 * Image grids: a batch of samples or examples laid out as one picture. Uses data (for the
 * transform back to pixels).
 */
package org.scoresde.image;
