package io.graceful.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.grpc.MethodDescriptor;

/**
 * gRPC methods whose messages are UTF-8 text, so that clients and servers need no
 * {@code protoc}: the same wire format as the sample app's {@code GrpcOrders} (which
 * keeps its own copy, since an application's main code must not depend on test support).
 */
public final class GrpcText {

	/** Messages as UTF-8 text. */
	public static final MethodDescriptor.Marshaller<String> MARSHALLER = new MethodDescriptor.Marshaller<>() {

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

	private GrpcText() {
	}

	/**
	 * A method of a service with text requests and replies.
	 * @param service the full service name, e.g. {@code sample.Orders}
	 * @param method the method name
	 * @param type unary or streaming
	 * @return the method descriptor
	 */
	public static MethodDescriptor<String, String> method(String service, String method,
			MethodDescriptor.MethodType type) {
		return MethodDescriptor.newBuilder(MARSHALLER, MARSHALLER)
			.setType(type)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
			.build();
	}

	/**
	 * A unary method of a service with text requests and replies.
	 * @param service the full service name
	 * @param method the method name
	 * @return the method descriptor
	 */
	public static MethodDescriptor<String, String> unary(String service, String method) {
		return method(service, method, MethodDescriptor.MethodType.UNARY);
	}

}
