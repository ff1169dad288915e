package io.graceful.autoconfigure.step;

import io.graceful.autoconfigure.GracefulAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;

/**
 * Runs the application's {@link ShutdownStep} beans as bounded, reported steps of the
 * shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
public final class ShutdownStepAutoConfiguration {

	@Bean
	static ShutdownStepRegistrar gracefulShutdownStepRegistrar() {
		return new ShutdownStepRegistrar();
	}

}
