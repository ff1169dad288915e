/**
 * The shutdown summary, the graceful actuator endpoint and the metrics, read from the
 * report.
 */
@NullMarked
package io.graceful.autoconfigure.report;

import org.jspecify.annotations.NullMarked;
