package io.graceful.autoconfigure.web;

import java.util.Map;

/**
 * The shutdown scenarios on Tomcat with Spring MVC.
 */
class TomcatShutdownTests extends AbstractWebServerShutdownTests {

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration");
	}

}
