package io.graceful.autoconfigure.grpc;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import io.grpc.Server;
import io.grpc.internal.ServerImpl;
import io.grpc.internal.ServerTransport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * The one place that reaches into grpc-java's server: the connections (transports) of a
 * running {@link ServerImpl}, through its private {@code transports} set and the
 * {@code lock} that guards it (grpc-java has no public way to send GOAWAY while the
 * server keeps listening: grpc-java#10929). Both fields are looked up once, lazily; a
 * grpc-java without them loses the GOAWAY during withdraw, with one warning.
 */
final class GrpcConnections {

	static final String TRANSPORTS_FIELD = "transports";

	static final String LOCK_FIELD = "lock";

	private static final Log logger = LogFactory.getLog(GrpcConnections.class);

	private static volatile @Nullable Handles handles;

	private static volatile boolean resolved;

	private final Map<ServerTransport, Boolean> goneAway = new WeakHashMap<>();

	/**
	 * Ask every connection of the server that has not been asked yet to go away: a
	 * graceful GOAWAY (a first one for any stream id, a ping, then the last stream id),
	 * after which calls in progress finish and the client opens its next call on a new
	 * connection, while the server still listens and serves.
	 * @param server the running server
	 * @return how many connections were asked now
	 */
	synchronized int goAway(Server server) {
		int sent = 0;
		for (ServerTransport transport : transports(server)) {
			if (this.goneAway.put(transport, Boolean.TRUE) == null) {
				transport.shutdown();
				sent++;
			}
		}
		return sent;
	}

	/**
	 * The server's open connections right now.
	 * @param server the running server
	 * @return its transports, empty if they cannot be reached
	 */
	static List<ServerTransport> transports(Server server) {
		Handles resolvedHandles = handles();
		if (resolvedHandles == null || !(server instanceof ServerImpl)) {
			return List.of();
		}
		Object lock = ReflectionUtils.getField(resolvedHandles.lock(), server);
		Object transports = ReflectionUtils.getField(resolvedHandles.transports(), server);
		if (lock == null || !(transports instanceof Collection<?> collection)) {
			return List.of();
		}
		List<ServerTransport> copy = new ArrayList<>();
		synchronized (lock) {
			for (Object transport : collection) {
				if (transport instanceof ServerTransport serverTransport) {
					copy.add(serverTransport);
				}
			}
		}
		return copy;
	}

	static @Nullable Handles handles() {
		if (!resolved) {
			synchronized (GrpcConnections.class) {
				if (!resolved) {
					handles = resolve(ServerImpl.class, TRANSPORTS_FIELD, LOCK_FIELD);
					resolved = true;
				}
			}
		}
		return handles;
	}

	/**
	 * Look the fields up on a server class.
	 * @param serverClass the server class
	 * @param transportsName the name of the set of transports
	 * @param lockName the name of the lock that guards it
	 * @return the fields, made accessible, or {@code null} when missing (logged)
	 */
	static @Nullable Handles resolve(Class<?> serverClass, String transportsName, String lockName) {
		Field transports = ReflectionUtils.findField(serverClass, transportsName);
		Field lock = ReflectionUtils.findField(serverClass, lockName);
		if (transports == null || lock == null || !Collection.class.isAssignableFrom(transports.getType())) {
			logger.warn("This grpc-java version has no " + serverClass.getSimpleName() + "." + transportsName + " or "
					+ lockName + ": gRPC connections get no GOAWAY during withdraw, so clients on long-lived "
					+ "channels keep sending to this instance until its drain refuses new calls");
			return null;
		}
		ReflectionUtils.makeAccessible(transports);
		ReflectionUtils.makeAccessible(lock);
		return new Handles(transports, lock);
	}

	record Handles(Field transports, Field lock) {
	}

}
