package io.graceful.sample;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The gRPC API, on Spring gRPC's own Netty server ({@code spring.grpc.server.port}, 9090
 * by default), only when {@code sample.grpc.enabled=true}: without a service bean Spring
 * Boot starts no gRPC server at all. One unary method, {@code sample.Orders/Place}, does
 * what {@code POST /orders} does (simulated work, the row, the Kafka record). Messages
 * are UTF-8 text, so no protoc is needed: the request is {@code "<id> <workMs>"}, the
 * reply names the instance and process that placed the order ({@code app-1/<pid>}, as the
 * {@code X-Instance} header does for HTTP).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.grpc.enabled")
class GrpcOrders {

	static final String SERVICE = "sample.Orders";

	static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	static final MethodDescriptor<String, String> PLACE = MethodDescriptor.newBuilder(TEXT, TEXT)
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Place"))
		.build();

	private static final Log logger = LogFactory.getLog(GrpcOrders.class);

	@Bean
	BindableService grpcOrdersService(JdbcTemplate jdbc, KafkaTemplate<String, String> kafka,
			@Value("${sample.instance:${spring.application.name}}") String name) {
		String instance = name + "/" + ProcessHandle.current().pid();
		ServerServiceDefinition definition = ServerServiceDefinition.builder(SERVICE)
			.addMethod(PLACE,
					ServerCalls.asyncUnaryCall((request, response) -> place(jdbc, kafka, instance, request, response)))
			.build();
		return () -> definition;
	}

	private static void place(JdbcTemplate jdbc, KafkaTemplate<String, String> kafka, String instance, String request,
			StreamObserver<String> response) {
		String[] parts = request.trim().split(" ");
		String id = parts[0];
		long workMs;
		try {
			workMs = (parts.length == 2) ? Validation.millis(Long.parseLong(parts[1]), "workMs", 0) : -1;
		}
		catch (NumberFormatException | InvalidFieldException ex) {
			workMs = -1;
		}
		if (id.isEmpty() || id.length() > 64 || workMs < 0) {
			response.onError(Status.INVALID_ARGUMENT
				.withDescription("expected '<id> <workMs>': an id of 1 to 64 characters and 0 to "
						+ Validation.MAX_MILLIS + " milliseconds of work")
				.asRuntimeException());
			return;
		}
		try {
			Thread.sleep(workMs);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			response.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
			return;
		}
		jdbc.update("INSERT INTO orders (id, work_ms) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, workMs);
		kafka.send(OrderController.TOPIC, id, "{\"id\":\"" + id + "\",\"workMs\":" + workMs + "}")
			.whenComplete((result, ex) -> {
				if (ex != null) {
					logger.warn("Kafka record for order " + id + " was not sent: " + ex.getMessage());
				}
			});
		response.onNext(instance);
		response.onCompleted();
	}

}
