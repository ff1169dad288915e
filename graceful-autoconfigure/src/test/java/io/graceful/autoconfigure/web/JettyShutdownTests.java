package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * The shutdown scenarios on Jetty with Spring MVC.
 */
class JettyShutdownTests extends AbstractWebServerShutdownTests {

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration,"
						+ "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatServletManagementContextAutoConfiguration");
	}

	@Test
	void stragglerIgnoringInterruptsHoldsTheStopOnlyForTheCappedWaits(CapturedOutput output) throws Exception {
		assertStragglerIgnoringInterruptsCostsAtMost(Duration.ofSeconds(2), output);
	}

}
