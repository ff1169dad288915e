package io.graceful.autoconfigure.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.graceful.autoconfigure.core.Durations;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The gRPC calls in flight, so that the drain can end streaming calls with
 * {@code UNAVAILABLE} and name stragglers (full method name and age).
 */
final class OpenGrpcCalls implements ServerInterceptor {

	static final String UNAVAILABLE_MESSAGE = "Server shutting down; retry on another instance";

	private final Set<TrackedCall<?, ?>> calls = ConcurrentHashMap.newKeySet();

	private volatile boolean draining;

	@Override
	public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
			ServerCallHandler<Q, R> next) {
		TrackedCall<Q, R> tracked = new TrackedCall<>(call);
		this.calls.add(tracked);
		if (this.draining && tracked.streaming()) {
			tracked.endUnavailable();
		}
		ServerCall.Listener<Q> listener = next.startCall(tracked, headers);
		return new SimpleForwardingServerCallListener<>(listener) {

			@Override
			public void onComplete() {
				OpenGrpcCalls.this.calls.remove(tracked);
				super.onComplete();
			}

			@Override
			public void onCancel() {
				OpenGrpcCalls.this.calls.remove(tracked);
				super.onCancel();
			}

		};
	}

	/**
	 * End every open server-streaming or bidirectional call with {@code UNAVAILABLE}, and
	 * any such call started from now on.
	 * @return how many calls were ended
	 */
	int endStreams() {
		this.draining = true;
		int ended = 0;
		for (TrackedCall<?, ?> call : Set.copyOf(this.calls)) {
			if (call.streaming() && call.endUnavailable()) {
				ended++;
			}
		}
		return ended;
	}

	int count() {
		return this.calls.size();
	}

	List<String> describe() {
		return Set.copyOf(this.calls).stream().map(TrackedCall::describe).sorted().toList();
	}

	/**
	 * A call whose outbound side is serialized, so that the drain can close it from
	 * another thread (a {@link ServerCall} is not thread-safe).
	 */
	private static final class TrackedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {

		private final long startedNanos = System.nanoTime();

		private boolean closed;

		TrackedCall(ServerCall<Q, R> delegate) {
			super(delegate);
		}

		boolean streaming() {
			MethodType type = getMethodDescriptor().getType();
			return type == MethodType.SERVER_STREAMING || type == MethodType.BIDI_STREAMING;
		}

		synchronized boolean endUnavailable() {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			super.close(Status.UNAVAILABLE.withDescription(UNAVAILABLE_MESSAGE), new Metadata());
			return true;
		}

		@Override
		public synchronized void sendHeaders(Metadata headers) {
			if (!this.closed) {
				super.sendHeaders(headers);
			}
		}

		@Override
		public synchronized void sendMessage(R message) {
			if (!this.closed) {
				super.sendMessage(message);
			}
		}

		@Override
		public synchronized void close(Status status, Metadata trailers) {
			if (!this.closed) {
				this.closed = true;
				super.close(status, trailers);
			}
		}

		String describe() {
			return getMethodDescriptor().getFullMethodName() + " ("
					+ Durations.format(Duration.ofMillis((System.nanoTime() - this.startedNanos) / 1_000_000)) + ")";
		}

	}

}
