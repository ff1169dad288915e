package io.graceful.autoconfigure.core;

import java.time.Duration;

/**
 * Durations the way graceful writes them in logs, the report and failure messages.
 *
 * @since 0.1.0
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Format a duration the way the logs do: {@code 10s}, {@code 1.5s}, {@code 250ms}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		if (millis < 1000) {
			return millis + "ms";
		}
		return String.format("%.1fs", millis / 1000.0);
	}

}
