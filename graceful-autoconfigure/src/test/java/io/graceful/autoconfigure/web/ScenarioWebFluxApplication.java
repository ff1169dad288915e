package io.graceful.autoconfigure.web;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A WebFlux application for the shutdown scenarios (Reactor Netty).
 */
@SpringBootConfiguration
// no R2DBC URL and no RabbitMQ broker here: r2dbc-postgresql and spring-rabbit are on the
// test class path
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
		"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
class ScenarioWebFluxApplication {

	@Bean
	WorkerGate workerGate() {
		return new WorkerGate();
	}

	/**
	 * The blocking handlers' worker pool: two threads, so that two held requests saturate
	 * it and the next waits in its queue.
	 */
	@Bean(destroyMethod = "dispose")
	Scheduler blockingWorkers() {
		return Schedulers.newBoundedElastic(2, 100, "blocking-workers");
	}

	/**
	 * The server's own event loops, as many as {@code scenario.event-loops} says, so that
	 * a test can saturate them.
	 */
	@Bean
	@ConditionalOnProperty("scenario.event-loops")
	NettyServerCustomizer scenarioEventLoops(Environment environment) {
		int count = environment.getRequiredProperty("scenario.event-loops", Integer.class);
		LoopResources loops = LoopResources.create("scenario-loop", 1, count, true);
		return (server) -> server.runOn(loops);
	}

	/**
	 * Registered as a member of the configuration class.
	 */
	@RestController
	static class ScenarioController {

		private final WorkerGate gate;

		private final Scheduler blockingWorkers;

		ScenarioController(WorkerGate gate, Scheduler blockingWorkers) {
			this.gate = gate;
			this.blockingWorkers = blockingWorkers;
		}

		/**
		 * A blocking handler on the bounded worker pool, held by the gate.
		 */
		@GetMapping("/held")
		Mono<String> held() {
			return Mono.fromCallable(() -> {
				this.gate.hold();
				return "held";
			}).subscribeOn(this.blockingWorkers);
		}

		/**
		 * A handler that blocks its event loop (what a WebFlux application must not do),
		 * held by the gate.
		 */
		@GetMapping("/held-event-loop")
		String heldEventLoop() throws InterruptedException {
			this.gate.hold();
			return "held";
		}

		@GetMapping("/hello")
		Mono<String> hello() {
			return Mono.just("hello");
		}

		@GetMapping("/port")
		Mono<String> port(ServerHttpRequest request) {
			return Mono.just(Integer.toString(request.getRemoteAddress().getPort()));
		}

		@GetMapping("/slow")
		Mono<String> slow(@RequestParam long ms) {
			return Mono.delay(Duration.ofMillis(ms)).thenReturn("slow");
		}

		@GetMapping("/sse")
		Flux<ServerSentEvent<String>> sse() {
			return Flux.concat(Mono.just(ServerSentEvent.builder("hello").build()),
					Flux.interval(Duration.ofSeconds(1)).map((tick) -> ServerSentEvent.builder("tick").build()));
		}

	}

}
