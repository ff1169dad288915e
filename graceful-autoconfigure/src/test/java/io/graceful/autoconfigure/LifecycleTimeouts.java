package io.graceful.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.context.ApplicationContext;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.test.util.ReflectionTestUtils;

/**
 * The shutdown timeouts a context's {@link DefaultLifecycleProcessor} will apply. Spring
 * has setters but no getters for them, so the test reads its fields.
 *
 * @param defaultTimeout the timeout of phases without their own
 * @param perPhase the phases with their own timeout
 */
public record LifecycleTimeouts(Duration defaultTimeout, Map<Integer, Duration> perPhase) {

	public static LifecycleTimeouts of(ApplicationContext context) {
		DefaultLifecycleProcessor processor = context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME,
				DefaultLifecycleProcessor.class);
		long defaultTimeout = (long) ReflectionTestUtils.getField(processor, "timeoutPerShutdownPhase");
		@SuppressWarnings("unchecked")
		Map<Integer, Long> perPhase = (Map<Integer, Long>) ReflectionTestUtils.getField(processor,
				"timeoutsForShutdownPhases");
		Map<Integer, Duration> result = new TreeMap<>();
		perPhase.forEach((phase, millis) -> result.put(phase, Duration.ofMillis(millis)));
		return new LifecycleTimeouts(Duration.ofMillis(defaultTimeout), result);
	}

	public Duration forPhase(int phase) {
		return this.perPhase.getOrDefault(phase, this.defaultTimeout);
	}

}
