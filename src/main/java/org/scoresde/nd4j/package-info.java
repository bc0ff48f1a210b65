/**
 * ND4J plumbing shared by the mathematics: cyclic workspaces for loops that run thousands of times,
 * copies between INDArrays and Java arrays, and the JVM's one collection timer that bounds off-heap
 * memory held by dead arrays. Depends on no other package of the project.
 */
package org.scoresde.nd4j;
