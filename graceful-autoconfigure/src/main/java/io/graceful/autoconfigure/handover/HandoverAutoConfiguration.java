package io.graceful.autoconfigure.handover;

import java.nio.file.Path;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Checks at startup that a hand-over of the listening port can work here: a fixed port,
 * an operating system whose {@code SO_REUSEPORT} balances new connections between the
 * sockets of one port, and (a warning) whether connections queued on a closed listener
 * move to the successor.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("graceful.handover.enabled")
@ConditionalOnWebApplication
public final class HandoverAutoConfiguration {

	@Bean
	HandoverStartupCheck handoverStartupCheck(Environment environment) {
		return new HandoverStartupCheck(environment, System.getProperty("os.name", ""),
				Path.of(HandoverStartupCheck.MIGRATE_REQ));
	}

	@Bean
	SuccessorReadiness handoverSuccessorReadiness() {
		String notify = System.getenv(SignalHandover.NOTIFY_ENV);
		return new SuccessorReadiness((notify != null) ? notify : "");
	}

	@Bean
	@ConditionalOnProperty("graceful.handover.signal")
	SignalHandover signalHandover(Environment environment, GracefulProperties properties) {
		return new SignalHandover(environment, properties.getHandover().getSuccessorTimeout());
	}

}
