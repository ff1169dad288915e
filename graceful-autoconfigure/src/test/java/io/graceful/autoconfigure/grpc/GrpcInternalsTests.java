package io.graceful.autoconfigure.grpc;

import io.grpc.internal.ServerImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The grpc-java internals the starter reaches: present in the grpc-java version the build
 * runs on, and a clear warning (not a failure) when a version lacks them.
 */
@ExtendWith(OutputCaptureExtension.class)
class GrpcInternalsTests {

	@Test
	void serverImplHasTheTransportsAndTheirLock() {
		GrpcConnections.Handles handles = GrpcConnections.handles();
		assertThat(handles).isNotNull();
		assertThat(handles.transports().getDeclaringClass()).isEqualTo(ServerImpl.class);
		assertThat(handles.lock().getDeclaringClass()).isEqualTo(ServerImpl.class);
	}

	@Test
	void aVersionWithoutThemLosesOnlyTheGoAwayDuringWithdrawAndSaysSo(CapturedOutput output) {
		assertThat(GrpcConnections.resolve(ServerImpl.class, "connections", "lock")).isNull();
		assertThat(output).contains("This grpc-java version has no ServerImpl.connections or lock: gRPC connections "
				+ "get no GOAWAY during withdraw");
	}

}
