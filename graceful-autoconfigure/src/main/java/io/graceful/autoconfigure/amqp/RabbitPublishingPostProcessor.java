package io.graceful.autoconfigure.amqp;

import com.rabbitmq.client.ConnectionFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

/**
 * Lets {@link RabbitConfirmTracker} see RabbitMQ publishing: every
 * {@link CachingConnectionFactory} creates its publisher callback channels (publisher
 * confirms of type {@code CORRELATED}, or returns) through the tracker, and its client
 * connection factory asks the tracker before opening a socket. Runs before the factory's
 * initialization, so a publisher channel factory the application sets later wins (and
 * then is not counted).
 */
class RabbitPublishingPostProcessor implements DestructionAwareBeanPostProcessor {

	private final ObjectProvider<RabbitConfirmTracker> tracker;

	private volatile @Nullable RabbitConfirmTracker used;

	RabbitPublishingPostProcessor(ObjectProvider<RabbitConfirmTracker> tracker) {
		this.tracker = tracker;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof CachingConnectionFactory factory) {
			RabbitConfirmTracker tracker = this.tracker.getObject();
			this.used = tracker;
			factory.setPublisherChannelFactory(tracker::createChannel);
			ConnectionFactory client = factory.getRabbitConnectionFactory();
			client.setSocketConfigurator(tracker.guard(client.getSocketConfigurator()));
			if (factory.getPublisherConnectionFactory() instanceof CachingConnectionFactory publisher
					&& publisher != factory) {
				publisher.setPublisherChannelFactory(tracker::createChannel);
				ConnectionFactory publisherClient = publisher.getRabbitConnectionFactory();
				if (publisherClient != client) {
					publisherClient.setSocketConfigurator(tracker.guard(publisherClient.getSocketConfigurator()));
				}
			}
		}
		return bean;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		RabbitConfirmTracker tracker = this.used;
		if (bean instanceof CachingConnectionFactory && tracker != null) {
			tracker.reportLate();
		}
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof CachingConnectionFactory;
	}

}
