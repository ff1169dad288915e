package io.graceful.autoconfigure.web;

import java.util.Map;

/**
 * HTTP/2 GOAWAY during withdraw on Tomcat with Spring MVC. Tomcat sends the second GOAWAY
 * of its two-step only when the client opens a new stream after a round trip, and ignores
 * that stream (it is above the last stream id, so the client may retry it elsewhere).
 */
class TomcatHttp2GoAwayTests extends AbstractHttp2GoAwayTests {

	@Override
	protected Class<?> application() {
		return ScenarioMvcApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.autoconfigure.exclude",
				"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration");
	}

	@Override
	protected RawHttp2Connection.GoAway awaitFinalGoAway(RawHttp2Connection connection) throws Exception {
		connection.get(3, "/hello");
		return super.awaitFinalGoAway(connection);
	}

}
