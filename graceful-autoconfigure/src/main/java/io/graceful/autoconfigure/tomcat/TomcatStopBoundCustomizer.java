package io.graceful.autoconfigure.tomcat;

import java.time.Duration;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;

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

	private final Duration bound;

	TomcatStopBoundCustomizer(Duration bound) {
		this.bound = bound;
	}

	@Override
	public void customize(Connector connector) {
		Object current = connector.getProperty(EXECUTOR_TERMINATION_TIMEOUT);
		if (!(current instanceof Number millis) || millis.longValue() > this.bound.toMillis()) {
			connector.setProperty(EXECUTOR_TERMINATION_TIMEOUT, String.valueOf(this.bound.toMillis()));
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
