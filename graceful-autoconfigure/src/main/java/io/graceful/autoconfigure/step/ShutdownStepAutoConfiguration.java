package io.graceful.autoconfigure.step;

import io.graceful.autoconfigure.GracefulAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/**
 * Runs the application's {@link ShutdownStep} beans as bounded, reported steps of the
 * shutdown. Only when there is one: a step declared in the application's configuration,
 * or in an auto-configuration ordered before this one; an application without steps gets
 * nothing from here.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnBean(ShutdownStep.class)
public final class ShutdownStepAutoConfiguration {

	@Bean
	static ShutdownStepRegistrar gracefulShutdownStepRegistrar() {
		return new ShutdownStepRegistrar();
	}

}
