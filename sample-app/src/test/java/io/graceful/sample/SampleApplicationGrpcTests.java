package io.graceful.sample;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's gRPC API ({@code sample.grpc.enabled=true}), which the rollout lab's
 * gRPC mix calls, on Spring gRPC's own server, against real PostgreSQL and a real Kafka
 * broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "graceful.withdraw.delay=0s", "sample.instance=app-8",
				"sample.grpc.enabled=true", "spring.grpc.server.port=0", "spring.grpc.server.address=127.0.0.1" })
@Import(SampleInfrastructure.WithKafka.class)
class SampleApplicationGrpcTests {

	@Autowired
	private GrpcServerLifecycle grpcServer;

	@Autowired
	private JdbcTemplate jdbc;

	private ManagedChannel channel;

	@BeforeEach
	void connect() {
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.grpcServer.getPort()).usePlaintext().build();
	}

	@AfterEach
	void disconnect() {
		this.channel.shutdownNow();
	}

	@Test
	void aPlacedOrderIsStoredAndConsumedAndTheReplyNamesTheInstanceAndProcess() {
		assertThat(place("grpc-1 5")).isEqualTo("app-8/" + ProcessHandle.current().pid());
		assertThat(count("orders", "grpc-1")).isEqualTo(1);
		await().atMost(Duration.ofSeconds(20)).until(() -> count("order_events", "grpc-1") == 1);
	}

	@Test
	void invalidOrdersAreRefusedWithInvalidArgument() {
		for (String request : new String[] { "", "grpc-2", "grpc-2 slow", "grpc-2 60001", "x".repeat(65) + " 1" }) {
			assertThatExceptionOfType(StatusRuntimeException.class).as(request)
				.isThrownBy(() -> place(request))
				.satisfies((ex) -> assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
		}
		assertThat(count("orders", "grpc-2")).isZero();
	}

	private String place(String request) {
		return ClientCalls.blockingUnaryCall(this.channel, GrpcOrders.PLACE,
				CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
	}

	private int count(String table, String id) {
		Integer count = this.jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE id = ?", Integer.class, id);
		return (count != null) ? count : 0;
	}

}
