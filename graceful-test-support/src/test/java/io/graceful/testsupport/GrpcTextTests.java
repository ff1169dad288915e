package io.graceful.testsupport;

import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text messages survive the marshaller as UTF-8, and a method is named as grpc-java names
 * it.
 */
class GrpcTextTests {

	@Test
	void textRoundTripsAsUtf8AndTheMethodHasItsFullName() throws Exception {
		byte[] wire = GrpcText.MARSHALLER.stream("Grüße 42").readAllBytes();
		assertThat(wire).hasSize("Grüße 42".length() + 2);
		assertThat(GrpcText.MARSHALLER.parse(new java.io.ByteArrayInputStream(wire))).isEqualTo("Grüße 42");
		MethodDescriptor<String, String> place = GrpcText.unary("sample.Orders", "Place");
		assertThat(place.getFullMethodName()).isEqualTo("sample.Orders/Place");
		assertThat(place.getType()).isEqualTo(MethodDescriptor.MethodType.UNARY);
		assertThat(GrpcText.method("test.Echo", "Ticks", MethodDescriptor.MethodType.SERVER_STREAMING).getType())
			.isEqualTo(MethodDescriptor.MethodType.SERVER_STREAMING);
	}

}
