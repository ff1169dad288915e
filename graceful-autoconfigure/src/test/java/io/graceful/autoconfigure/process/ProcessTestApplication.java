package io.graceful.autoconfigure.process;

import java.time.Duration;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web-only application (no database, no broker) that {@link ProcessShutdownTests}
 * starts in its own JVM and stops with real signals. It prints marker lines the test
 * waits for: {@code PROCESS-TEST-PORT=<port>}, {@code PROCESS-TEST-SLOW-STARTED},
 * {@code PROCESS-TEST-RUNNER-STARTED}.
 */
@SpringBootApplication(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.XADataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.JndiDataSourceAutoConfiguration",
		"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
		// Tomcat, the server of spring-boot-starter-webmvc, although Jetty is on the test
		// classpath too
		"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
		"org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration" })
public class ProcessTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ProcessTestApplication.class, args);
	}

	@Bean
	ApplicationListener<WebServerInitializedEvent> portPrinter() {
		return (event) -> {
			if (event.getApplicationContext().getServerNamespace() == null) {
				System.out.println("PROCESS-TEST-PORT=" + event.getWebServer().getPort());
			}
		};
	}

	/**
	 * Holds startup before the application is ready, so a test can signal it then.
	 * @param pause how long to hold
	 * @return the runner
	 */
	@Bean
	@ConditionalOnProperty("process-test.startup-pause")
	ApplicationRunner startupPause(
			@org.springframework.beans.factory.annotation.Value("${process-test.startup-pause}") Duration pause) {
		return (args) -> {
			System.out.println("PROCESS-TEST-RUNNER-STARTED");
			Thread.sleep(pause.toMillis());
		};
	}

	@RestController
	static class Endpoints {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

		@GetMapping("/slow")
		String slow(@RequestParam long millis) throws InterruptedException {
			System.out.println("PROCESS-TEST-SLOW-STARTED");
			Thread.sleep(millis);
			return "slow done";
		}

	}

}
