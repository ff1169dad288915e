package io.graceful.autoconfigure.web;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A WebFlux application for the shutdown scenarios (Reactor Netty).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ScenarioWebFluxApplication {

	/**
	 * Registered as a member of the configuration class.
	 */
	@RestController
	static class ScenarioController {

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
