package io.graceful.autoconfigure.handover;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.graceful.testsupport.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * With {@code graceful.handover.enabled}, two instances of an application bind the same
 * server port, on every server, and the kernel spreads new connections over both; the
 * management port stays exclusive; without it, the second fails as in plain Spring Boot.
 */
@EnabledOnOs(OS.LINUX)
@ExtendWith(OutputCaptureExtension.class)
class HandoverBindTests {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close(CapturedOutput output) {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		// the listener closed under a blocked acceptor is not an error
		assertThat(output).doesNotContain("Socket accept failed").doesNotContain("Accept Failure");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tomcat", "jetty", "netty" })
	void twoInstancesBindTheSamePortAndBothServeNewConnections(String server) throws Exception {
		int port = Ports.free();
		start(server, "a", "server.port=" + port, "graceful.handover.enabled=true");
		start(server, "b", "server.port=" + port, "graceful.handover.enabled=true");
		Set<String> servedBy = new HashSet<>();
		for (int i = 0; i < 200 && servedBy.size() < 2; i++) {
			servedBy.add(HttpProbe.get(port, "/hello"));
		}
		assertThat(servedBy).containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void withoutHandoverTheSecondInstanceFailsAsPlainSpringBootDoes() throws Exception {
		int port = Ports.free();
		start("tomcat", "a", "server.port=" + port);
		assertThatException().isThrownBy(() -> start("tomcat", "b", "server.port=" + port))
			.satisfies((ex) -> assertThat(causes(ex))
				.anyMatch((cause) -> cause instanceof PortInUseException inUse && inUse.getPort() == port));
	}

	/**
	 * Tomcat binds only once the application is ready, so there the bind fails then.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "jetty", "netty" })
	void aPortHeldByASocketThatDoesNotShareItFailsStartup(String server) throws Exception {
		int port = Ports.free();
		try (ServerSocket other = new ServerSocket()) {
			other.bind(new java.net.InetSocketAddress("127.0.0.1", port));
			assertThatException()
				.isThrownBy(() -> start(server, "a", "server.port=" + port, "graceful.handover.enabled=true"))
				.satisfies((ex) -> assertThat(causes(ex))
					.anyMatch((cause) -> cause instanceof PortInUseException inUse && inUse.getPort() == port));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "tomcat", "jetty", "netty" })
	void theManagementPortStaysExclusive(String server) throws Exception {
		int port = Ports.free();
		int management = Ports.free();
		start(server, "a", "server.port=" + port, "management.server.port=" + management,
				"graceful.handover.enabled=true");
		assertThatException()
			.isThrownBy(() -> start(server, "b", "server.port=" + port, "management.server.port=" + management,
					"graceful.handover.enabled=true"))
			.satisfies((ex) -> assertThat(causes(ex))
				.anyMatch((cause) -> cause instanceof PortInUseException || cause instanceof java.net.BindException));
	}

	private static List<Throwable> causes(Throwable ex) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = ex; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	private void start(String server, String name, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.address=127.0.0.1", "spring.main.banner-mode=off",
				"handover-test.name=" + name, "management.endpoints.web.exposure.include=health"));
		HandoverTestApplication.serverProperties(server).forEach((key, value) -> all.add(key + "=" + value));
		all.addAll(List.of(properties));
		this.contexts
			.add(new SpringApplicationBuilder(HandoverTestApplication.class).properties(all.toArray(String[]::new))
				.run());
	}

}
