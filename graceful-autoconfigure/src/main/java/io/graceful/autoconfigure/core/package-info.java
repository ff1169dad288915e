/**
 * What every step stands on: step names and phases, the report model, bounds, durations.
 */
@NullMarked
package io.graceful.autoconfigure.core;

import org.jspecify.annotations.NullMarked;
