/**
 * The DataSource drain step: connection pools wait until no connection is in use.
 */
@NullMarked
package io.graceful.autoconfigure.jdbc;

import org.jspecify.annotations.NullMarked;
