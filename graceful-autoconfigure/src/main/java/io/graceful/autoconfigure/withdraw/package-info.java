/**
 * The withdraw step: out of load balancing while still serving.
 */
@NullMarked
package io.graceful.autoconfigure.withdraw;

import org.jspecify.annotations.NullMarked;
