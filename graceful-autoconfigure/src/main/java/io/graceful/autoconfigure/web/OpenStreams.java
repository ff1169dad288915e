package io.graceful.autoconfigure.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Streaming responses (server-sent events, streamed bodies) that are open. When the drain
 * starts they are told to complete, so that they do not hold the drain to its bound.
 *
 * @since 0.1.0
 */
public final class OpenStreams {

	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();

	private volatile boolean completing;

	/**
	 * Register an open stream.
	 * @param completer completes the stream normally
	 * @return a handle to close when the stream ends by itself
	 */
	public Registration register(Runnable completer) {
		Stream stream = new Stream(completer);
		this.streams.add(stream);
		if (this.completing) {
			stream.complete();
		}
		return stream;
	}

	/**
	 * Complete every open stream, and any stream opened from now on.
	 * @return how many streams were completed
	 */
	public int completeAll() {
		this.completing = true;
		int completed = 0;
		for (Stream stream : Set.copyOf(this.streams)) {
			if (stream.complete()) {
				completed++;
			}
		}
		return completed;
	}

	public int count() {
		return this.streams.size();
	}

	/**
	 * Handle of a registered stream.
	 */
	public interface Registration {

		/**
		 * The stream ended by itself.
		 */
		void close();

	}

	private final class Stream implements Registration {

		private final Runnable completer;

		private Stream(Runnable completer) {
			this.completer = completer;
		}

		boolean complete() {
			if (!OpenStreams.this.streams.remove(this)) {
				return false;
			}
			this.completer.run();
			return true;
		}

		@Override
		public void close() {
			OpenStreams.this.streams.remove(this);
		}

	}

}
