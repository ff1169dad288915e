package io.graceful.autoconfigure.web;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * HTTP/2 GOAWAY during withdraw on Reactor Netty with WebFlux. The starter sends the
 * second GOAWAY of the two-step when the client acknowledges the PING sent with the
 * first.
 */
class NettyHttp2GoAwayTests extends AbstractHttp2GoAwayTests {

	@Override
	protected Class<?> application() {
		return ScenarioWebFluxApplication.class;
	}

	@Override
	protected Map<String, String> serverProperties() {
		return Map.of("spring.main.web-application-type", "reactive", "spring.autoconfigure.exclude",
				"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration,"
						+ "org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration");
	}

	@Test
	void http2OverTlsClientMovesToANewConnectionOnceWithdrawStarts(CapturedOutput output, @TempDir Path directory)
			throws Exception {
		http2OverTlsClientOpensItsNextStreamOnANewConnectionOnceWithdrawStarts(output, directory);
	}

}
