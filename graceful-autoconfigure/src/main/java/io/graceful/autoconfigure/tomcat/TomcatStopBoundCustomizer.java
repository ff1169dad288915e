package io.graceful.autoconfigure.tomcat;

import java.time.Duration;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;

/**
 * Caps the two waits of a Tomcat stop for requests still running: the connector's
 * executor interrupts its threads and then waits for them (5s by default), and each
 * servlet is then given time to finish (2s by default). Without a cap, a straggler the
 * drain already cut and that ignores interrupts would hold the shutdown about 7s past its
 * budget.
 */
class TomcatStopBoundCustomizer implements TomcatConnectorCustomizer, TomcatContextCustomizer {

	private static final String EXECUTOR_TERMINATION_TIMEOUT = "executorTerminationTimeoutMillis";

	private static final Log logger = LogFactory.getLog(TomcatStopBoundCustomizer.class);

	private final Duration bound;

	TomcatStopBoundCustomizer(Duration bound) {
		this.bound = bound;
	}

	@Override
	public void customize(Connector connector) {
		Long current = millis(connector.getProperty(EXECUTOR_TERMINATION_TIMEOUT));
		if ((current == null || current > this.bound.toMillis())
				&& !connector.setProperty(EXECUTOR_TERMINATION_TIMEOUT, String.valueOf(this.bound.toMillis()))) {
			logger.warn("This Tomcat version has no connector property " + EXECUTOR_TERMINATION_TIMEOUT
					+ ": stopping the server may wait up to Tomcat's own 5s for requests the drain cut");
		}
	}

	/**
	 * The property's value: Tomcat answers a {@code Long} for its default and the text it
	 * was given once set.
	 */
	private static @Nullable Long millis(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		try {
			return (value != null) ? Long.valueOf(value.toString().trim()) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public void customize(Context context) {
		if (context instanceof StandardContext standardContext
				&& standardContext.getUnloadDelay() > this.bound.toMillis()) {
			standardContext.setUnloadDelay(this.bound.toMillis());
		}
	}

}
