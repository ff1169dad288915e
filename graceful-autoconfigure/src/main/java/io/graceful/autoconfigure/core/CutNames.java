package io.graceful.autoconfigure.core;

import java.util.List;

/**
 * How a line names what a shutdown cut: the first ten, then how many more, so that a
 * shutdown that cut thousands of tasks still writes a line an operator can read.
 *
 * @since 0.1.0
 */
public final class CutNames {

	private static final int MAX_NAMES = 10;

	private CutNames() {
	}

	/**
	 * Join names for a log line, for example {@code a, b, c and 12 more}.
	 * @param names the names, in the order to show them
	 * @return the joined names, empty when there are none
	 */
	public static String join(List<String> names) {
		String shown = String.join(", ", names.subList(0, Math.min(MAX_NAMES, names.size())));
		return (names.size() > MAX_NAMES) ? shown + " and " + (names.size() - MAX_NAMES) + " more" : shown;
	}

}
