package io.graceful.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gRPC mix's counting, against a real grpc-java server over a socket: every call is
 * recorded once with its status, failed calls are counted by status code beside the HTTP
 * numbers, and they count as losses.
 */
class GrpcLoadTests {

	private Server server;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.server != null) {
			this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	@Test
	void everyCallIsRecordedWithItsStatusAndTheInstanceThatAnsweredIt() throws Exception {
		CountDownLatch received = new CountDownLatch(30);
		AtomicInteger calls = new AtomicInteger();
		start(ServerServiceDefinition.builder("sample.Orders")
			.addMethod(GrpcLoad.PLACE, ServerCalls.asyncUnaryCall((request, response) -> {
				received.countDown();
				// every third call refused, as a server that stopped taking calls does
				if (calls.incrementAndGet() % 3 == 0) {
					response.onError(Status.UNAVAILABLE.withDescription("shutting down, nope").asRuntimeException());
					return;
				}
				assertThat(request).matches("t-\\d+ \\d+");
				response.onNext("app-9/42");
				response.onCompleted();
			}))
			.build());
		AtomicLong sequence = new AtomicLong(100);
		GrpcLoad load = new GrpcLoad(this.server.getPort(), 100, 2, 42, "t", Duration.ofSeconds(5),
				sequence::getAndIncrement);
		load.start();
		assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
		List<LoadGenerator.Request> recorded = load.stop();
		assertThat(recorded).hasSize((int) load.sent.get()).hasSize(calls.get());
		assertThat(load.inFlight()).isZero();
		List<LoadGenerator.Request> failed = recorded.stream().filter((r) -> !r.ok()).toList();
		assertThat(failed).hasSize(calls.get() / 3).allSatisfy((r) -> {
			assertThat(r.status()).isEqualTo(Status.Code.UNAVAILABLE.value());
			assertThat(r.error()).isEqualTo("UNAVAILABLE: shutting down; nope");
		});
		assertThat(recorded).filteredOn(LoadGenerator.Request::ok).allSatisfy((r) -> {
			assertThat(r.status()).isZero();
			assertThat(r.instance()).isEqualTo("app-9/42");
			assertThat(r.answeredBy("app-9", 42)).isTrue();
		});
		assertThat(recorded).allSatisfy((r) -> {
			assertThat(r.kind()).isEqualTo(GrpcLoad.KIND);
			assertThat(r.grpc()).isTrue();
			assertThat(r.balanced()).isTrue();
			assertThat(r.id()).isEqualTo("t-" + r.seq());
			assertThat(r.endMs()).isGreaterThanOrEqualTo(r.startMs());
		});
		assertThat(recorded.get(0).seq()).as("numbers from the shared sequence").isEqualTo(100);
	}

	@Test
	void failedCallsAreCountedByStatusApartFromHttpAndLoseTheRun() {
		List<LoadGenerator.Request> requests = List.of(
				new LoadGenerator.Request(1, "order", "x-1", 100, 200, 201, "", "app-1/10"),
				new LoadGenerator.Request(2, "order", "x-2", 1100, 1200, 0, "IOException: closed", ""), call(3, 0, ""),
				call(4, 14, "UNAVAILABLE: io exception"), call(5, 14, "UNAVAILABLE: Connection closed"),
				call(6, 4, "DEADLINE_EXCEEDED: deadline exceeded after 15s"));
		RunResult run = run(Column.App.PLAIN, requests, null);
		assertThat(run.sent()).as("HTTP requests only").isEqualTo(2);
		assertThat(run.failed()).isEqualTo(1);
		assertThat(run.failureReasons()).containsOnlyKeys("IOException");
		assertThat(run.grpcSent()).isEqualTo(4);
		assertThat(run.grpcFailed()).isEqualTo(3);
		assertThat(run.grpcFailureReasons()).containsEntry("UNAVAILABLE", 2L)
			.containsEntry("DEADLINE_EXCEEDED", 1L)
			.hasSize(2);
		assertThat(run.lost()).as("failed requests and calls").isEqualTo(4);
		assertThat(run.lostNothing()).isFalse();
		String table = Report.table(List.of(run));
		assertThat(table).containsPattern("gRPC calls \\(L4, mode tcp\\) +\\| 4")
			.containsPattern("  failed +\\| 3")
			.contains("DEADLINE_EXCEEDED x1, UNAVAILABLE x2");
		assertThat(Report.table(List.of(run(Column.App.PLAIN, requests.subList(0, 2), null))))
			.as("no gRPC rows without gRPC calls")
			.doesNotContain("gRPC");
	}

	@Test
	void callsTheGrpcDrainCutAreReportedNotSilent() {
		AppInstance.Summary summary = new AppInstance.Summary(
				"Graceful shutdown completed in 5.1s: withdraw 3.0s, web-drain 1.0s (2 requests in flight, "
						+ "0 cut), grpc-drain 1.0s timed out (1 calls in flight, 1 cut); cut 1 calls: sample.Orders/Place "
						+ "(1.2s); timed out: grpc-drain",
				Map.of("calls", 1L));
		RunResult.Restart restart = new RunResult.Restart(
				new AppInstance.Stop("app-1", 10, 1000, 4000, 0, false, 3000, summary), 1000, Double.NaN, 20_000, null);
		RunResult run = run(Column.App.GRACEFUL, List.of(call(1, 0, ""), call(2, 1, "CANCELLED: server shutdownNow")),
				restart);
		assertThat(run.losses(restart).failed()).isEqualTo(1);
		assertThat(run.losses(restart).reportedCut()).isEqualTo(1);
		assertThat(run.silentLosses()).isZero();
		AppInstance.Stop killed = new AppInstance.Stop("app-1", 10, 1000, 11_000, 137, true, 3000, null,
				Map.of("calls", 2L));
		assertThat(RunResult.reported(killed)).containsEntry("calls", 2L);
	}

	private void start(ServerServiceDefinition service) throws Exception {
		this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
			.addService(service)
			.build()
			.start();
	}

	/** A gRPC call answered by app-1 (pid 10) at 2000-2100 with this status code. */
	private static LoadGenerator.Request call(long seq, int code, String error) {
		return new LoadGenerator.Request(seq, GrpcLoad.KIND, "x-" + seq, 2000, 2100, code, error,
				(code == 0) ? "app-1/10" : "");
	}

	private static RunResult run(Column.App app, List<LoadGenerator.Request> requests, RunResult.Restart restart) {
		RunResult.Verification verification = new RunResult.Verification(0, 0, 0, 0, 0, 0, 0, true, "caught up");
		return new RunResult("test", HaProxy.Mode.L4, Column.Balancer.HEALTH_CHECK, app, Path.of("."), requests,
				List.of(), (restart != null) ? List.of(restart) : List.of(), verification, 0, 30_000, 3000, 1000,
				30_000, 0, 0, 8, 2000);
	}

}
