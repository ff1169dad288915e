package io.graceful.autoconfigure.budget;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.ShutdownBound;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Checks at startup that every shutdown bound together fits the grace period, and sets
 * Spring's per-phase shutdown timeouts from those bounds.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
public final class ShutdownBudgetAutoConfiguration {

	@Bean
	static ShutdownBudgetVerifier shutdownBudgetVerifier(GracefulProperties properties,
			ObjectProvider<ShutdownBound> bounds, Environment environment, BeanFactory beanFactory) {
		return new ShutdownBudgetVerifier(properties, bounds.orderedStream().toList(), environment, beanFactory);
	}

}
