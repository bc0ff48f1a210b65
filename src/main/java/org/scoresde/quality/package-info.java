/**
 * Sample quality: the Fashion-MNIST classifier whose features give the Frechet distance, its
 * training, and the labelled images it reads. Uses data and io.
 */
package org.scoresde.quality;
