package io.graceful.autoconfigure.amqp;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Native-image hints for the fields of Spring AMQP's listener container that
 * {@link PrefetchDrain} reads through a {@code DirectFieldAccessor} to drain prefetched
 * messages with acknowledge mode {@code NONE}. They apply only where
 * {@link PrefetchDrain} is reachable.
 */
class RabbitRuntimeHints implements RuntimeHintsRegistrar {

	static final String CONTAINER = "org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer";

	static final String ABSTRACT_CONTAINER = "org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer";

	static final String CONSUMER = "org.springframework.amqp.rabbit.listener.BlockingQueueConsumer";

	static final String INTERNAL_CONSUMER = CONSUMER + "$InternalConsumer";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(ABSTRACT_CONTAINER),
					(type) -> type.onReachableType(PrefetchDrain.class).withField("consumersLock"))
			.registerType(TypeReference.of(CONTAINER),
					(type) -> type.onReachableType(PrefetchDrain.class).withField("consumers"))
			.registerType(TypeReference.of(CONSUMER),
					(type) -> type.onReachableType(PrefetchDrain.class).withField("queue").withField("consumers"))
			.registerType(TypeReference.of(INTERNAL_CONSUMER),
					(type) -> type.onReachableType(PrefetchDrain.class).withField("canceled"));
	}

}
