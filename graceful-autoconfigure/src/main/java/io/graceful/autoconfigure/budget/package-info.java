/**
 * The startup check that every bound together fits the grace period, and Spring's
 * per-phase timeouts set from the bounds.
 */
@NullMarked
package io.graceful.autoconfigure.budget;

import org.jspecify.annotations.NullMarked;
