package io.graceful.autoconfigure.web;

import java.util.Map;

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

}
