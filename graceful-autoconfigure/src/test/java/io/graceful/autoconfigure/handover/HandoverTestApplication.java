package io.graceful.autoconfigure.handover;

import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.graceful.autoconfigure.tomcat.PlainReusePortProtocol;
import io.netty.channel.socket.nio.NioChannelOption;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application for the hand-over tests, on Tomcat, Jetty or Reactor Netty (argument
 * {@code --handover-test.server=tomcat|jetty|netty}, see {@link #serverProperties}). It
 * answers {@code GET /hello} with its name ({@code handover-test.name}), so a client sees
 * which instance served it, and {@code GET /slow?millis=}; it prints
 * {@code HANDOVER-TEST-READY} when it is ready.
 */
@SpringBootApplication(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.XADataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.JndiDataSourceAutoConfiguration",
		"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		// r2dbc-postgresql and spring-amqp are on the test class path for their own tests
		"org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
public class HandoverTestApplication {

	public static void main(String[] args) {
		String server = "tomcat";
		for (String arg : args) {
			if (arg.startsWith("--handover-test.server=")) {
				server = arg.substring("--handover-test.server=".length());
			}
		}
		List<String> all = new ArrayList<>();
		serverProperties(server).forEach((key, value) -> all.add("--" + key + "=" + value));
		all.addAll(List.of(args));
		SpringApplication.run(HandoverTestApplication.class, all.toArray(String[]::new));
	}

	/**
	 * The properties that pick a web server.
	 * @param server tomcat, jetty or netty
	 * @return the properties
	 */
	static Map<String, String> serverProperties(String server) {
		return switch (server) {
			case "tomcat" -> Map.of("spring.autoconfigure.exclude",
					"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration,"
							+ "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration");
			case "jetty" -> Map.of("spring.autoconfigure.exclude",
					"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration,"
							+ "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatServletManagementContextAutoConfiguration");
			case "netty" -> Map.of("spring.main.web-application-type", "reactive", "spring.autoconfigure.exclude",
					"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration,"
							+ "org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration,"
							+ "org.springframework.boot.tomcat.autoconfigure.actuate.web.server.TomcatReactiveManagementContextAutoConfiguration,"
							+ "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyReactiveManagementContextAutoConfiguration");
			default -> throw new IllegalArgumentException("unknown server " + server);
		};
	}

	@Bean
	ApplicationListener<AvailabilityChangeEvent<?>> readyPrinter() {
		return (event) -> {
			if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
				System.out.println("HANDOVER-TEST-READY");
			}
		};
	}

	/**
	 * Holds startup after the web server started and before the application is ready.
	 * @param pause how long to hold
	 * @return the runner
	 */
	@Bean
	@ConditionalOnProperty("handover-test.startup-pause")
	ApplicationRunner startupPause(@Value("${handover-test.startup-pause}") Duration pause) {
		return (args) -> {
			System.out.println("HANDOVER-TEST-RUNNER-STARTED");
			Thread.sleep(pause.toMillis());
			if (Boolean.getBoolean("handover-test.fail-after-pause")) {
				throw new IllegalStateException("startup failed on purpose");
			}
		};
	}

	/**
	 * Holds startup for two minutes when a file exists: a successor started after the
	 * test created it never becomes ready in time.
	 * @param file the file
	 * @return the runner
	 */
	@Bean
	@ConditionalOnProperty("handover-test.pause-if-file")
	ApplicationRunner pauseIfFile(@Value("${handover-test.pause-if-file}") String file) {
		return (args) -> {
			if (java.nio.file.Files.exists(java.nio.file.Path.of(file))) {
				System.out.println("HANDOVER-TEST-RUNNER-PAUSED");
				Thread.sleep(120_000);
			}
		};
	}

	/**
	 * Plain Spring Boot with only {@code SO_REUSEPORT} on the server port (with
	 * {@code graceful.enabled=false}): the negative control.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("handover-test.plain-reuse-port")
	static class PlainReusePort {

		@Bean
		@ConditionalOnClass(name = "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory")
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> plainTomcatReusePort() {
			return (factory) -> factory.setProtocol(PlainReusePortProtocol.class.getName());
		}

		@Bean
		JettyServerCustomizer plainJettyReusePort() {
			return (server) -> {
				for (Connector connector : server.getConnectors()) {
					((ServerConnector) connector).setReusePort(true);
				}
			};
		}

		@Bean
		NettyServerCustomizer plainNettyReusePort() {
			return (server) -> server.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
		}

	}

	@RestController
	static class Endpoints {

		private final String name;

		Endpoints(@Value("${handover-test.name:app}") String name) {
			this.name = name;
		}

		@GetMapping("/hello")
		String hello() {
			return this.name;
		}

		/**
		 * A slow response that blocks no thread (on Reactor Netty a sleep would block an
		 * event loop, and with it every connection of that loop).
		 */
		@GetMapping("/slow")
		Mono<String> slow(@RequestParam long millis) {
			System.out.println("HANDOVER-TEST-SLOW-STARTED");
			return Mono.delay(Duration.ofMillis(millis)).map((tick) -> this.name);
		}

	}

}
