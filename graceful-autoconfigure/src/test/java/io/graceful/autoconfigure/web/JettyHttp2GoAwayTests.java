package io.graceful.autoconfigure.web;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * HTTP/2 GOAWAY during withdraw on Jetty with Spring MVC. Jetty sends the second GOAWAY
 * of its two-step as soon as the connection has no stream in progress.
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

	@Test
	void http2OverTlsClientMovesToANewConnectionOnceWithdrawStarts(CapturedOutput output, @TempDir Path directory)
			throws Exception {
		http2OverTlsClientOpensItsNextStreamOnANewConnectionOnceWithdrawStarts(output, directory);
	}

}
