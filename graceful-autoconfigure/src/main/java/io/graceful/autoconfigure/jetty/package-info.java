/**
 * Everything that touches Jetty.
 */
@NullMarked
package io.graceful.autoconfigure.jetty;

import org.jspecify.annotations.NullMarked;
