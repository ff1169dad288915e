package io.graceful.autoconfigure.netty;

import java.time.Duration;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Bounds the two waits of a Reactor Netty shutdown that come after the drain. Stopping
 * the server waits for requests still running (3s without a lifecycle timeout), and the
 * event loops, shut down in lifecycle phase 0, wait a quiet period of 2s (up to 15s):
 * both would otherwise overrun the budget of the phases graceful does not own.
 */
final class ReactorNettyShutdownBounds {

	static final String QUIET_PERIOD_PROPERTY = "spring.reactor.netty.shutdown-quiet-period";

	private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

	private ReactorNettyShutdownBounds() {
	}

	/**
	 * Bound how long stopping the server waits for requests the drain cut.
	 */
	static final class LifecycleTimeoutCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

		private final Duration bound;

		LifecycleTimeoutCustomizer(Duration bound) {
			this.bound = bound;
		}

		@Override
		public void customize(NettyReactiveWebServerFactory factory) {
			factory.setLifecycleTimeout(this.bound);
		}

	}

	/**
	 * Shorten the event loops' quiet period and timeout, unless the user set the quiet
	 * period.
	 */
	static final class ResourceFactoryPostProcessor implements BeanPostProcessor {

		private final Environment environment;

		ResourceFactoryPostProcessor(Environment environment) {
			this.environment = environment;
		}

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) {
			if (bean instanceof ReactorResourceFactory factory
					&& !this.environment.containsProperty(QUIET_PERIOD_PROPERTY)) {
				Duration bound = this.environment.getProperty("graceful.other-phases-timeout", Duration.class,
						Duration.ofSeconds(1));
				factory.setShutdownQuietPeriod((QUIET_PERIOD.compareTo(bound) < 0) ? QUIET_PERIOD : Duration.ZERO);
				factory.setShutdownTimeout(bound);
			}
			return bean;
		}

	}

}
