package io.graceful.autoconfigure.grpc;

import io.grpc.Server;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * The running gRPC server, from Spring gRPC's started event (its lifecycle keeps the
 * server private).
 */
final class GrpcServerHolder implements ApplicationListener<GrpcServerStartedEvent> {

	private volatile @Nullable Server server;

	@Override
	public void onApplicationEvent(GrpcServerStartedEvent event) {
		this.server = event.getServer();
	}

	@Nullable Server get() {
		return this.server;
	}

}
