/**
 * The frame of graceful shutdown: enabling, general properties, renamed properties.
 */
@NullMarked
package io.graceful.autoconfigure;

import org.jspecify.annotations.NullMarked;
