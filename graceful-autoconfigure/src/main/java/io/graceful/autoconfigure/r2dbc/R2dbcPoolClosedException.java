package io.graceful.autoconfigure.r2dbc;

import io.r2dbc.spi.R2dbcNonTransientResourceException;

/**
 * Signalled by an R2DBC connection pool asked for a connection once a graceful shutdown
 * has drained and closed it.
 *
 * @since 0.1.0
 */
public class R2dbcPoolClosedException extends R2dbcNonTransientResourceException {

	/**
	 * Create an exception for a connection that was not handed out.
	 * @param pool the name of the pool
	 */
	public R2dbcPoolClosedException(String pool) {
		super("R2DBC connection from pool '" + pool + "' refused: the application is shutting down and graceful "
				+ "already drained and closed the pool, so no query can start now; run database work before the "
				+ "shutdown reaches the R2DBC drain");
	}

}
