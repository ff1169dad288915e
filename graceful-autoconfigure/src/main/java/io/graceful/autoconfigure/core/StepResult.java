package io.graceful.autoconfigure.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one shutdown step did.
 *
 * @param step the step name, for example {@code web-drain}
 * @param started when the step started
 * @param duration how long it took
 * @param bound the bound it had, or {@code null} when it has none
 * @param carriedOver the time earlier steps left unused that it got on top of its bound
 * @param outcome how it ended
 * @param summary a short sentence for people, for example
 * {@code 3 requests in flight, 0 cut}
 * @param counts facts as numbers, for example {@code requests-in-flight=3}
 * @param cut what was cut, by kind ({@code requests}, {@code tasks}, {@code connections},
 * {@code records})
 * @param cutNames names of what was cut where known, for example
 * {@code POST /orders (21.3s)}
 * @since 0.1.0
 */
public record StepResult(String step, Instant started, Duration duration, @Nullable Duration bound,
		Duration carriedOver, StepOutcome outcome, String summary, Map<String, Long> counts, Map<String, Long> cut,
		List<String> cutNames) {

	public StepResult {
		// in the order the step recorded them, the same in every JVM (Map.copyOf is not)
		counts = Collections.unmodifiableMap(new LinkedHashMap<>(counts));
		cut = Collections.unmodifiableMap(new LinkedHashMap<>(cut));
		cutNames = List.copyOf(cutNames);
	}

	/**
	 * Total of everything cut.
	 * @return the number of requests, tasks, connections and records cut
	 */
	public long totalCut() {
		return this.cut.values().stream().mapToLong(Long::longValue).sum();
	}

}
