/**
 * The RabbitMQ steps: listener containers keep consuming through withdraw and stop after
 * it; publisher confirms still pending are awaited before the connections close.
 */
@NullMarked
package io.graceful.autoconfigure.amqp;

import org.jspecify.annotations.NullMarked;
