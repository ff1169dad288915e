/**
 * The Kafka steps: listener containers stop, producers flush and close.
 */
@NullMarked
package io.graceful.autoconfigure.kafka;

import org.jspecify.annotations.NullMarked;
