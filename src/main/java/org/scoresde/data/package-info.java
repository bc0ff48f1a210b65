/**
 * Reading datasets (IDX, CSV, CIFAR-10 binaries, image folders) into examples, the Parquet shard
 * layout (schema, manifest, statistics, permutation and digests), and the transform between 8-bit
 * pixels and the model's space (dequantization). Plain Java and Hadoop I/O; the Spark jobs
 * translate its input problems into user errors. Uses io only.
 */
package org.scoresde.data;
