package io.graceful.autoconfigure.amqp;

import java.lang.reflect.Field;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fields {@link PrefetchDrain} reads through a {@code DirectFieldAccessor} exist in
 * the Spring AMQP version the build runs on and are covered by the native-image hints
 * ({@code DirectFieldAccessor} is Spring's own reflection, so the runtime-hints agent run
 * attributes it to Spring, not to the starter).
 */
class RabbitRuntimeHintsTests {

	@Test
	void everyFieldThePrefetchDrainReadsExistsAndIsCovered() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new RabbitRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertCovered(hints, RabbitRuntimeHints.CONTAINER, "consumersLock");
		assertCovered(hints, RabbitRuntimeHints.CONTAINER, "consumers");
		assertCovered(hints, RabbitRuntimeHints.CONSUMER, "queue");
		assertCovered(hints, RabbitRuntimeHints.CONSUMER, "consumers");
		assertCovered(hints, RabbitRuntimeHints.INTERNAL_CONSUMER, "canceled");
	}

	private static void assertCovered(RuntimeHints hints, String type, String name) throws ClassNotFoundException {
		Field field = ReflectionUtils.findField(ClassUtils.forName(type, null), name);
		assertThat(field).as("%s.%s in this Spring AMQP version", type, name).isNotNull();
		assertThat(RuntimeHintsPredicates.reflection().onField(field)).as("hint for %s.%s", type, name).accepts(hints);
	}

}
