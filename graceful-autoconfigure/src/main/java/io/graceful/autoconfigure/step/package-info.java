/**
 * Shutdown steps of your own.
 */
@NullMarked
package io.graceful.autoconfigure.step;

import org.jspecify.annotations.NullMarked;
