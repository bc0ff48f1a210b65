package org.scoresde.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.scoresde.data.Manifest;

/** A sharded dataset opened for reading: its directory, its manifest, and its rows (schema: {@link org.scoresde.data.ShardSchema}). */
public record ShardedData(String dir, Manifest manifest, Dataset<Row> rows) {}
