package io.graceful.autoconfigure.grpc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.graceful.testsupport.GrpcText;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Boot's gRPC server (grpc-java on Netty) during a shutdown, with real grpc-java
 * clients over sockets.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcShutdownTests {

	static final MethodDescriptor<String, String> SLOW = GrpcText.unary("test.Echo", "Slow");

	static final MethodDescriptor<String, String> WHO = GrpcText.unary("test.Echo", "Who");

	static final MethodDescriptor<String, String> TICKS = GrpcText.method("test.Echo", "Ticks",
			MethodDescriptor.MethodType.SERVER_STREAMING);

	private final CountDownLatch closeStarted = new CountDownLatch(1);

	private ConfigurableApplicationContext context;

	private ManagedChannel channel;

	@AfterEach
	void close() {
		if (this.channel != null) {
			this.channel.shutdownNow();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void callsAreServedDuringTheDelayAndHealthSaysNotServingAtOnceAndTheCallInFlightCompletes(CapturedOutput output)
			throws Exception {
		start("graceful.withdraw.delay=3s", "graceful.grpc-drain.timeout=5s");
		assertThat(health()).isEqualTo(ServingStatus.SERVING);
		CompletableFuture<String> inFlight = callAsync(SLOW, "1500");
		assertThat(GrpcApplication.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
		long closeStarted = System.nanoTime();
		CompletableFuture<Duration> closing = closeInBackground();
		Awaitility.await()
			.atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> health() == ServingStatus.NOT_SERVING);
		Duration notServing = Duration.ofNanos(System.nanoTime() - closeStarted);
		assertThat(call(SLOW, "0")).as("a new call during the delay").isEqualTo("0");
		Duration served = Duration.ofNanos(System.nanoTime() - closeStarted);
		System.out.println("Test measured: health NOT_SERVING " + notServing.toMillis()
				+ "ms after close started, a new call served after " + served.toMillis() + "ms (delay 3s)");
		assertThat(notServing).as("NOT_SERVING well before the 3s delay ends").isLessThan(Duration.ofMillis(1500));
		assertThat(served).as("served during the delay").isLessThan(Duration.ofMillis(2800));
		assertThat(closing).isNotDone();
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("1500");
		closing.get(15, TimeUnit.SECONDS);
		assertThat(output).contains("gRPC health: NOT_SERVING")
			.containsPattern("gRPC drain finished in [0-9.]+m?s: [0-9]+ calls were in flight, 0 cut");
	}

	@Test
	void aClientOnALongLivedChannelMovesToTheOtherServerDuringTheDelayWithoutAFailedCall(CapturedOutput output)
			throws Exception {
		Duration moved = moveToSecondServer("graceful.withdraw.delay=3s");
		assertThat(moved).as("the client's calls reach the second server well before the 3s delay ends")
			.isLessThan(Duration.ofMillis(1500));
		assertThat(output).containsPattern("[1-9][0-9]* HTTP/2 connections sent GOAWAY");
	}

	@Test
	void withoutGoAwayTheClientStaysOnTheFirstServerUntilItsDrain() throws Exception {
		Duration moved = moveToSecondServer("graceful.withdraw.delay=3s", "graceful.withdraw.http2-go-away=false");
		assertThat(moved).as("the client moves only when the drain refuses new calls")
			.isGreaterThanOrEqualTo(Duration.ofMillis(2900));
	}

	/**
	 * Two servers behind a forwarder that routes new connections as a load balancer does
	 * once the first server is withdrawn; calls every 20 ms on one long-lived channel
	 * while the first server closes.
	 * @return how long after the first server's close started the second one answered the
	 * client's first call
	 */
	private Duration moveToSecondServer(String... properties) throws Exception {
		List<String> first = new ArrayList<>(List.of(properties));
		first.add("test.instance=first");
		start(first.toArray(String[]::new));
		ConfigurableApplicationContext second = context("graceful.withdraw.delay=0", "test.instance=second");
		try (Forwarder balancer = new Forwarder(port(this.context))) {
			ManagedChannel client = ManagedChannelBuilder.forAddress("127.0.0.1", balancer.port())
				.usePlaintext()
				.build();
			try {
				assertThat(call(client, WHO, "")).isEqualTo("first");
				CallLoop loop = new CallLoop(client);
				balancer.routeTo(port(second));
				long closeStarted = System.nanoTime();
				CompletableFuture<Duration> closing = closeInBackground();
				closing.get(20, TimeUnit.SECONDS);
				Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> loop.firstAnsweredBy("second") != null);
				loop.stop();
				System.out.println("Test measured: " + loop.summary(closeStarted));
				assertThat(loop.failures()).as("failed calls").isEmpty();
				Long movedAt = loop.firstAnsweredBy("second");
				assertThat(movedAt).as("a call answered by the second server").isNotNull();
				assertThat(loop.answeredBy("first", movedAt)).as("calls answered by the first server after the move")
					.isZero();
				return Duration.ofNanos(movedAt - closeStarted);
			}
			finally {
				client.shutdownNow();
			}
		}
		finally {
			second.close();
		}
	}

	@Test
	void withoutTheStarterNewCallsAreRefusedFromTheFirstMomentOfClose() throws Exception {
		start("graceful.enabled=false");
		CompletableFuture<String> inFlight = callAsync(SLOW, "2000");
		assertThat(GrpcApplication.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
		closeInBackground();
		assertThat(this.closeStarted.await(10, TimeUnit.SECONDS)).isTrue();
		Awaitility.await()
			.atMost(Duration.ofSeconds(1))
			.until(() -> this.context.getBean(GrpcServerLifecycle.class).isRunning() == false);
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> call(SLOW, "0"))
			.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
		assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("2000");
	}

	@Test
	void streamingCallOpenAtDrainStartEndsWithUnavailableAndTheDrainEndsLongBeforeItsBound(CapturedOutput output)
			throws Exception {
		start("graceful.withdraw.delay=0", "graceful.grpc-drain.timeout=5s");
		java.util.Iterator<String> ticks = ClientCalls.blockingServerStreamingCall(this.channel, TICKS,
				CallOptions.DEFAULT, "go");
		assertThat(ticks.next()).isEqualTo("tick");
		CompletableFuture<Duration> closing = closeInBackground();
		List<String> received = new ArrayList<>();
		StatusRuntimeException ended = null;
		try {
			while (ticks.hasNext()) {
				received.add(ticks.next());
			}
		}
		catch (StatusRuntimeException ex) {
			ended = ex;
		}
		assertThat(ended).isNotNull();
		assertThat(ended.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(ended.getStatus().getDescription()).contains("retry on another instance");
		assertThat(closing.get(15, TimeUnit.SECONDS)).as("drain bound 5s").isLessThan(Duration.ofMillis(2500));
		assertThat(output).contains("1 streaming calls ended with UNAVAILABLE");
	}

	@Test
	void callLongerThanTheBoundIsNamedAndCancelledOnlyAfterIt(CapturedOutput output) throws Exception {
		start("graceful.withdraw.delay=0", "graceful.grpc-drain.timeout=1s");
		CompletableFuture<String> straggler = callAsync(SLOW, "20000");
		assertThat(GrpcApplication.slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
		Duration took = closeInBackground().get(15, TimeUnit.SECONDS);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(3));
		assertThat(straggler).failsWithin(Duration.ofSeconds(5));
		assertThat(output).containsPattern("gRPC drain hit its 1s bound; cut 1 calls: test.Echo/Slow \\([0-9.]+m?s\\)");
	}

	private ServingStatus health() {
		return HealthGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.check(HealthCheckRequest.newBuilder().build())
			.getStatus();
	}

	private String call(MethodDescriptor<String, String> method, String request) {
		return call(this.channel, method, request);
	}

	private static String call(ManagedChannel channel, MethodDescriptor<String, String> method, String request) {
		return ClientCalls.blockingUnaryCall(channel, method,
				CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), request);
	}

	private CompletableFuture<String> callAsync(MethodDescriptor<String, String> method, String request) {
		CompletableFuture<String> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(call(method, request));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "test-call");
		thread.start();
		return result;
	}

	private void start(String... properties) {
		GrpcApplication.slowStarted = new CountDownLatch(1);
		this.context = context(properties);
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port(this.context)).usePlaintext().build();
		assertThat(call(WHO, "")).as("the channel is connected").isNotEmpty();
	}

	private ConfigurableApplicationContext context(String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.web-application-type=none",
				"spring.main.banner-mode=off", "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(GrpcApplication.class).listeners((event) -> {
			if (event instanceof ContextClosedEvent && this.closeStarted.getCount() > 0) {
				this.closeStarted.countDown();
			}
		}).properties(all.toArray(String[]::new)).run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getBean(GrpcServerLifecycle.class).getPort();
	}

	private CompletableFuture<Duration> closeInBackground() {
		CompletableFuture<Duration> closed = new CompletableFuture<>();
		ConfigurableApplicationContext closing = this.context;
		Thread thread = new Thread(() -> {
			long start = System.nanoTime();
			try {
				closing.close();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				System.out.println("Test measured: context.close() took " + took.toMillis() + "ms");
				closed.complete(took);
			}
			catch (Throwable ex) {
				closed.completeExceptionally(ex);
			}
		}, "test-close");
		thread.start();
		return closed;
	}

	/**
	 * Unary calls one after the other on one channel, each with the time it was answered
	 * and the server that answered it.
	 */
	private static final class CallLoop {

		private final List<long[]> answeredAt = new CopyOnWriteArrayList<>();

		private final List<String> answeredBy = new CopyOnWriteArrayList<>();

		private final List<String> failures = new CopyOnWriteArrayList<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		CallLoop(ManagedChannel channel) {
			this.thread = new Thread(() -> {
				while (this.running.get()) {
					try {
						String who = call(channel, WHO, "");
						this.answeredAt.add(new long[] { System.nanoTime() });
						this.answeredBy.add(who);
					}
					catch (StatusRuntimeException ex) {
						this.failures.add(ex.getStatus().toString());
					}
					LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
				}
			}, "test-call-loop");
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(10_000);
		}

		List<String> failures() {
			return this.failures;
		}

		@Nullable Long firstAnsweredBy(String instance) {
			for (int i = 0; i < this.answeredBy.size(); i++) {
				if (this.answeredBy.get(i).equals(instance)) {
					return this.answeredAt.get(i)[0];
				}
			}
			return null;
		}

		long answeredBy(String instance, long after) {
			int count = 0;
			for (int i = 0; i < this.answeredBy.size(); i++) {
				if (this.answeredBy.get(i).equals(instance) && this.answeredAt.get(i)[0] > after) {
					count++;
				}
			}
			return count;
		}

		String summary(long since) {
			Long moved = firstAnsweredBy("second");
			return this.answeredBy.size() + " calls answered (" + answeredBy("first", Long.MIN_VALUE) + " by the first "
					+ "server), " + this.failures.size() + " failed, first answer from the second server "
					+ ((moved != null) ? Duration.ofNanos(moved - since).toMillis() + "ms" : "never")
					+ " after close started";
		}

	}

	/**
	 * A TCP forwarder standing in for an L4 load balancer: each new connection goes to
	 * the current target; connections already open stay where they are.
	 */
	private static final class Forwarder implements AutoCloseable {

		private final ServerSocket listener;

		private volatile int target;

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		Forwarder(int target) throws IOException {
			this.target = target;
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::accept, "test-forwarder");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.listener.getLocalPort();
		}

		void routeTo(int target) {
			this.target = target;
		}

		private void accept() {
			try {
				while (true) {
					Socket client = this.listener.accept();
					Socket server = new Socket(InetAddress.getLoopbackAddress(), this.target);
					this.sockets.add(client);
					this.sockets.add(server);
					pipe(client, server);
					pipe(server, client);
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		private void pipe(Socket from, Socket to) {
			Thread thread = new Thread(() -> {
				try {
					from.getInputStream().transferTo(to.getOutputStream());
				}
				catch (IOException ex) {
					// either side closed
				}
				finally {
					closeQuietly(from);
					closeQuietly(to);
				}
			}, "test-forwarder-pipe");
			thread.setDaemon(true);
			thread.start();
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already closed
			}
		}

		@Override
		public void close() throws IOException {
			this.listener.close();
			this.sockets.forEach(Forwarder::closeQuietly);
		}

	}

	@SpringBootConfiguration
	// r2dbc-postgresql and spring-amqp are on the test class path for their own tests
	@EnableAutoConfiguration(excludeName = { "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration" })
	static class GrpcApplication {

		static volatile CountDownLatch slowStarted = new CountDownLatch(1);

		@Bean
		BindableService echo(Environment environment) {
			String instance = environment.getProperty("test.instance", "only");
			ServerServiceDefinition definition = ServerServiceDefinition.builder("test.Echo")
				.addMethod(SLOW, ServerCalls.asyncUnaryCall(GrpcApplication::slow))
				.addMethod(TICKS, ServerCalls.asyncServerStreamingCall(GrpcApplication::ticks))
				.addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext(instance);
					response.onCompleted();
				}))
				.build();
			return () -> definition;
		}

		private static void slow(String ms, StreamObserver<String> response) {
			long millis = Long.parseLong(ms);
			if (millis > 0) {
				slowStarted.countDown();
			}
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			response.onNext(ms);
			response.onCompleted();
		}

		private static void ticks(String request, StreamObserver<String> response) {
			Thread thread = new Thread(() -> {
				try {
					while (true) {
						response.onNext("tick");
						Thread.sleep(200);
					}
				}
				catch (RuntimeException | InterruptedException ex) {
					// the call ended
				}
			});
			thread.setDaemon(true);
			thread.start();
		}

	}

}
