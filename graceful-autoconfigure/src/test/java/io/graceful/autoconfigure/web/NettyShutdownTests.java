package io.graceful.autoconfigure.web;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.withdraw.IdleConnectionCloser;
import io.graceful.autoconfigure.withdraw.OpenConnections;
import io.netty.channel.Channel;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

	/**
	 * A request on a kept-alive connection that its event loop has not read yet (the loop
	 * is busy with other tasks, the bytes wait in the socket) carries no request
	 * operations, like an idle connection: the idle close must not cut it.
	 */
	@Test
	void aRequestWhoseBytesWaitUnreadBehindABusyEventLoopIsNotClosedAsIdle() throws Exception {
		start();
		try (RawHttpConnection connection = RawHttpConnection.open(port())) {
			assertThat(connection.get("/hello").status()).isEqualTo(200);
			long answered = System.nanoTime();
			Set<Object> open = Collections.newSetFromMap(new IdentityHashMap<>());
			this.context.getBean("nettyConnections", OpenConnections.class).collect(open);
			assertThat(open).hasSize(1);
			SingleThreadEventExecutor loop = (SingleThreadEventExecutor) ((Channel) open.iterator().next()).eventLoop();
			long quiet = IdleConnectionCloser.MIN_QUIET.plusMillis(100).toNanos();
			await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - answered > quiet);
			CountDownLatch busy = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			loop.execute(() -> {
				busy.countDown();
				try {
					release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
			connection.send("/hello", "*/*");
			int pending = loop.pendingTasks();
			IdleConnectionCloser closer = this.context.getBean("nettyIdleConnectionCloser", IdleConnectionCloser.class);
			CompletableFuture<Integer> closed = CompletableFuture.supplyAsync(closer::closeIdleConnections);
			await().atMost(Duration.ofSeconds(5)).until(() -> loop.pendingTasks() > pending);
			release.countDown();
			assertThat(closed.get(10, TimeUnit.SECONDS)).as("connections closed as idle").isZero();
			RawHttpConnection.Response response = connection.readResponse();
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
		}
	}

}
