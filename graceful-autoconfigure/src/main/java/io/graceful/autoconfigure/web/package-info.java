/**
 * The web drain step.
 */
@NullMarked
package io.graceful.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
