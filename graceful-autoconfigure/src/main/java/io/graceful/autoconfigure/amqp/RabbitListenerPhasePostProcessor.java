package io.graceful.autoconfigure.amqp;

import java.util.Arrays;

import io.graceful.autoconfigure.core.GracefulPhases;
import org.aopalliance.aop.Advice;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.DirectFieldAccessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Moves RabbitMQ listener containers to {@link GracefulPhases#RABBIT_LISTENERS}: Spring
 * AMQP stops them at {@code Integer.MAX_VALUE}, the withdraw's own phase, which cancels
 * every consumer the moment a shutdown starts. The {@link RabbitListenerEndpointRegistry}
 * takes its phase from the containers its factories create, so setting the phase on each
 * container factory moves the registry too; container beans are moved one by one. A phase
 * the application chose is kept. Also adds {@link InFlightMessages} to each factory's
 * advice chain, so the stop can say what was in hand.
 */
class RabbitListenerPhasePostProcessor implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(RabbitListenerPhasePostProcessor.class);

	private final ObjectProvider<InFlightMessages> inFlight;

	RabbitListenerPhasePostProcessor(ObjectProvider<InFlightMessages> inFlight) {
		this.inFlight = inFlight;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractRabbitListenerContainerFactory<?> factory) {
			if (phaseOf(factory) == null) {
				factory.setPhase(GracefulPhases.RABBIT_LISTENERS);
			}
			else {
				logger.info("RabbitMQ listener container factory '" + beanName + "' keeps the phase the application "
						+ "set; its listeners stop outside graceful's listener step");
			}
			Advice[] chain = factory.getAdviceChain();
			Advice[] advice = (chain != null) ? Arrays.copyOf(chain, chain.length + 1) : new Advice[1];
			advice[advice.length - 1] = this.inFlight.getObject();
			factory.setAdviceChain(advice);
		}
		else if (bean instanceof AbstractMessageListenerContainer container
				&& container.getPhase() == Integer.MAX_VALUE) {
			container.setPhase(GracefulPhases.RABBIT_LISTENERS);
		}
		return bean;
	}

	private static @Nullable Object phaseOf(AbstractRabbitListenerContainerFactory<?> factory) {
		try {
			// no getter; null until setPhase was called
			return new DirectFieldAccessor(factory).getPropertyValue("phase");
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
