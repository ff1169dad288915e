package io.graceful.autoconfigure.grpc;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Native-image hints for the reflective reads of grpc-java's server connections: the
 * private {@code ServerImpl.transports} set and its {@code lock}, which
 * {@link GrpcConnections} reads to send GOAWAY during withdraw. They apply only where
 * {@link GrpcConnections} is reachable.
 */
class GrpcRuntimeHints implements RuntimeHintsRegistrar {

	static final String SERVER_IMPL = "io.grpc.internal.ServerImpl";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(SERVER_IMPL),
					(type) -> type.onReachableType(GrpcConnections.class)
						.withField(GrpcConnections.TRANSPORTS_FIELD)
						.withField(GrpcConnections.LOCK_FIELD));
	}

}
