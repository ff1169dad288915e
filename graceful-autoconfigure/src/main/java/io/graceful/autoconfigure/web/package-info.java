/**
 * The web drain step, and the request tracking it waits on: the requests in flight, the
 * open streams and WebSocket sessions, also read by the withdraw.
 */
@NullMarked
package io.graceful.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
