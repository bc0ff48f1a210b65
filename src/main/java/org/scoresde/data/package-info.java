/**
 * Reading datasets (IDX, CSV, CIFAR-10 binaries, image folders) into examples, and the Parquet
 * shard layout: schema, manifest, statistics, permutation and digests. Plain Java and Hadoop I/O;
 * the Spark jobs translate its input problems into user errors. Uses io only.
 */
package org.scoresde.data;
