package io.graceful.autoconfigure.web;

import java.util.Map;

/**
 * HTTP/2 GOAWAY during withdraw on Jetty with Spring MVC. Jetty sends the second GOAWAY of
 * its two-step as soon as the connection has no stream in progress.
 */
class JettyHttp2GoAwayTests extends AbstractHttp2GoAwayTests {

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
