package io.graceful.autoconfigure.kafka;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Registers every {@link DefaultKafkaProducerFactory} with the
 * {@link KafkaProducerTracker}: factory beans, and factories that a {@link KafkaTemplate}
 * bean holds without them being beans themselves.
 */
class KafkaProducerTrackingPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<KafkaProducerTracker> tracker;

	KafkaProducerTrackingPostProcessor(ObjectProvider<KafkaProducerTracker> tracker) {
		this.tracker = tracker;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DefaultKafkaProducerFactory<?, ?> factory) {
			this.tracker.getObject().register(factory);
		}
		else if (bean instanceof KafkaTemplate<?, ?> template
				&& template.getProducerFactory() instanceof DefaultKafkaProducerFactory<?, ?> factory) {
			this.tracker.getObject().register(factory);
		}
		return bean;
	}

}
