package io.graceful.autoconfigure.amqp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;

/**
 * Counts, per queue, the messages a listener is processing and those it finished: the
 * innermost advice of every listener container a factory creates, around each listener
 * invocation (one message, or one batch).
 */
final class InFlightMessages implements MethodInterceptor {

	private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();

	private final AtomicLong finished = new AtomicLong();

	private final Map<String, AtomicLong> interrupted = new ConcurrentHashMap<>();

	@Override
	public Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		@Nullable Object data = (arguments.length > 1) ? arguments[1] : null;
		String queue = queue(data);
		long messages = count(data);
		AtomicLong counter = this.inFlight.computeIfAbsent(queue, (key) -> new AtomicLong());
		counter.addAndGet(messages);
		boolean cut = false;
		try {
			return invocation.proceed();
		}
		catch (Throwable ex) {
			cut = Thread.currentThread().isInterrupted() || interruption(ex);
			throw ex;
		}
		finally {
			counter.addAndGet(-messages);
			if (cut) {
				this.interrupted.computeIfAbsent(queue, (key) -> new AtomicLong()).addAndGet(messages);
			}
			else {
				this.finished.addAndGet(messages);
			}
		}
	}

	private static boolean interruption(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof InterruptedException) {
				return true;
			}
		}
		return false;
	}

	private static String queue(@Nullable Object data) {
		@Nullable Message message = (data instanceof Message single) ? single
				: (data instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Message first) ? first
						: null;
		@Nullable String queue = (message != null) ? message.getMessageProperties().getConsumerQueue() : null;
		return (queue != null) ? queue : "(unknown queue)";
	}

	private static long count(@Nullable Object data) {
		return (data instanceof List<?> list) ? list.size() : 1;
	}

	long inFlight(String queue) {
		AtomicLong counter = this.inFlight.get(queue);
		return (counter != null) ? counter.get() : 0;
	}

	/**
	 * Messages whose processing was interrupted (Spring AMQP interrupts listeners still
	 * running at the container's shutdown timeout).
	 * @param queue the queue
	 * @return the number interrupted so far
	 */
	long interrupted(String queue) {
		AtomicLong counter = this.interrupted.get(queue);
		return (counter != null) ? counter.get() : 0;
	}

	long inFlight() {
		return this.inFlight.values().stream().mapToLong(AtomicLong::get).sum();
	}

	long finished() {
		return this.finished.get();
	}

}
