package io.graceful.autoconfigure.web;

import java.util.Map;

/**
 * The shutdown scenarios on Reactor Netty with WebFlux.
 */
class NettyShutdownTests extends AbstractWebServerShutdownTests {

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

}
