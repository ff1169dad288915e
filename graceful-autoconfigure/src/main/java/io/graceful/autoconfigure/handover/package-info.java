/**
 * Hand-over of the listening port to a successor on the same host: the startup checks.
 * Each web server package binds its port with {@code SO_REUSEPORT}; the withdraw step
 * closes the listening socket first.
 */
@NullMarked
package io.graceful.autoconfigure.handover;

import org.jspecify.annotations.NullMarked;
