package io.graceful.autoconfigure.withdraw;

import java.util.Set;

/**
 * The connections a web server holds open, for a withdraw that ends when traffic has
 * stopped. A connection accepted during the withdraw is the balancer still routing here:
 * until it carries its request and closes (its response says {@code Connection: close}),
 * the withdraw does not end, even when its request waits for a worker thread and no
 * filter has seen it yet. A readiness probe's connection opens and closes within
 * milliseconds, so probes do not hold the withdraw.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface OpenConnections {

	/**
	 * Add each connection the server holds open now, as an object that stays the same for
	 * the connection's life and is compared by identity.
	 * @param connections where to add them
	 */
	void collect(Set<Object> connections);

}
