/**
 * The R2DBC drain step: connection pools wait until no connection is acquired, then close
 * and refuse later requests for a connection.
 */
@NullMarked
package io.graceful.autoconfigure.r2dbc;

import org.jspecify.annotations.NullMarked;
