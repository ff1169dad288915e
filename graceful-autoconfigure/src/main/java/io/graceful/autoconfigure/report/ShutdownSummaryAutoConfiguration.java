package io.graceful.autoconfigure.report;

import io.graceful.autoconfigure.GracefulAutoConfiguration;
import io.graceful.autoconfigure.GracefulProperties;
import io.graceful.autoconfigure.core.GracefulPhases;
import io.graceful.autoconfigure.core.PhaseCallback;
import io.graceful.autoconfigure.core.ShutdownReport;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * The end of a shutdown: the {@code STOPPING} state once the web server has stopped, and
 * the summary line written when the shutdown ends, one sentence with every step and the
 * same facts as structured-logging fields.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = GracefulAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "graceful.enabled", matchIfMissing = true)
@ConditionalOnClass(LoggingEventBuilder.class)
public final class ShutdownSummaryAutoConfiguration {

	@Bean
	static ShutdownSummaryTrigger gracefulShutdownSummaryTrigger() {
		return new ShutdownSummaryTrigger();
	}

	@Bean
	PhaseCallback gracefulStoppingState(ShutdownReport report) {
		return new PhaseCallback(GracefulPhases.WEB_STOP - 1, report::webServerStopped);
	}

	@Bean
	ShutdownSummary gracefulShutdownSummary(ShutdownReport report, GracefulProperties properties) {
		return new ShutdownSummary(report, properties.getGracePeriod());
	}

}
