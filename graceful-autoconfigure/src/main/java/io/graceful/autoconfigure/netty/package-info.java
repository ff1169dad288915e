/**
 * Everything that touches Reactor Netty.
 */
@NullMarked
package io.graceful.autoconfigure.netty;

import org.jspecify.annotations.NullMarked;
