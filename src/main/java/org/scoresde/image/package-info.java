/**
 * Image grids: a batch of samples or examples laid out as one picture. Uses nn (for the data
 * transform back to pixels).
 */
package org.scoresde.image;
