/**
 * Everything that touches Tomcat.
 */
@NullMarked
package io.graceful.autoconfigure.tomcat;

import org.jspecify.annotations.NullMarked;
