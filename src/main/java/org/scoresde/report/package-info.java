/**
 * The report of a run: reads metrics, evaluation and sample outputs from any Hadoop filesystem, and
 * renders HTML (with plots) and Markdown. Uses config and io.
 */
package org.scoresde.report;
