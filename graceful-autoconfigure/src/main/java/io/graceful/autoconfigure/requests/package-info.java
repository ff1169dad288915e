/**
 * Request tracking: the requests in flight and the open streams, read by the withdraw and
 * the web drain.
 */
@NullMarked
package io.graceful.autoconfigure.requests;

import org.jspecify.annotations.NullMarked;
