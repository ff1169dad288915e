package io.graceful.autoconfigure.grpc;

import io.graceful.autoconfigure.withdraw.Http2GoAwaySender;
import io.grpc.Server;

/**
 * Sends a graceful GOAWAY on the gRPC server's connections when withdraw starts and at
 * its end, as on the web server's HTTP/2 connections: clients on long-lived channels move
 * their next calls to a new connection, which the load balancer routes elsewhere.
 */
final class GrpcGoAwaySender implements Http2GoAwaySender {

	private final GrpcServerHolder server;

	private final GrpcConnections connections = new GrpcConnections();

	GrpcGoAwaySender(GrpcServerHolder server) {
		this.server = server;
	}

	@Override
	public int sendGoAway() {
		Server running = this.server.get();
		return (running != null && !running.isShutdown()) ? this.connections.goAway(running) : 0;
	}

}
