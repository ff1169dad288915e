/**
 * The background-work step: executors' tasks and tracked work finish.
 */
@NullMarked
package io.graceful.autoconfigure.tasks;

import org.jspecify.annotations.NullMarked;
