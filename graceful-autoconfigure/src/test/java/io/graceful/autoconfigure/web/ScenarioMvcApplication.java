package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A Spring MVC application for the shutdown scenarios (Tomcat or Jetty).
 */
@SpringBootConfiguration
// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on the
// test class path
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
@EnableScheduling
class ScenarioMvcApplication {

	@Bean
	Ticks ticks() {
		return new Ticks();
	}

	@Bean
	WorkerGate workerGate() {
		return new WorkerGate();
	}

	/**
	 * Jetty without reserved threads, when {@code scenario.jetty.no-reserved-threads} is
	 * set: a reserved thread runs some tasks instead of the pool's queue, which makes
	 * which request waits in the queue depend on timing.
	 */
	@Bean
	@ConditionalOnProperty("scenario.jetty.no-reserved-threads")
	JettyServerCustomizer scenarioNoReservedThreads() {
		return (server) -> ((QueuedThreadPool) server.getThreadPool()).setReservedThreads(0);
	}

	/**
	 * Registered as a member of the configuration class.
	 */
	@RestController
	static class ScenarioController {

		private final WorkerGate gate;

		ScenarioController(WorkerGate gate) {
			this.gate = gate;
		}

		@GetMapping("/held")
		String held() throws InterruptedException {
			this.gate.hold();
			return "held";
		}

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

		@GetMapping("/port")
		String port(HttpServletRequest request) {
			return Integer.toString(request.getRemotePort());
		}

		@GetMapping("/slow")
		String slow(@RequestParam long ms) throws InterruptedException {
			Thread.sleep(ms);
			return "slow";
		}

		@GetMapping("/stubborn")
		String stubborn(@RequestParam long ms) {
			long end = System.nanoTime() + ms * 1_000_000;
			while (System.nanoTime() < end) {
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					// a straggler that ignores interrupts
				}
			}
			return "stubborn";
		}

		@GetMapping("/sse")
		SseEmitter sse() throws IOException {
			SseEmitter emitter = new SseEmitter(0L);
			emitter.send(SseEmitter.event().data("hello"));
			return emitter;
		}

	}

	/**
	 * A scheduled task that counts its runs.
	 */
	static class Ticks {

		final AtomicInteger count = new AtomicInteger();

		@Scheduled(fixedRate = 50)
		void tick() {
			this.count.incrementAndGet();
		}

	}

}
