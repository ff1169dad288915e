package io.graceful.autoconfigure.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.graceful.autoconfigure.withdraw.OpenConnections;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;
import reactor.netty.ConnectionObserver;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerState;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * The one place that reaches Reactor Netty's connections: the server's accepted channels,
 * followed from their initialisation, with the moment of their last request, and a way to
 * run a check on each in its own event loop (where requests are decoded, so none can
 * start meanwhile), bounded by one second for all of them.
 */
class NettyConnections implements NettyServerCustomizer, OpenConnections {

	private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final AttributeKey<Long> LAST_ACTIVITY = AttributeKey.valueOf("graceful.lastActivity");

	private final ChannelGroup channels = new DefaultChannelGroup("graceful-connections", GlobalEventExecutor.INSTANCE);

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel.parent() instanceof ServerChannel) {
				channel.attr(LAST_ACTIVITY).set(System.nanoTime());
				this.channels.add(channel);
			}
		}).childObserve((connection, state) -> {
			if (state == HttpServerState.REQUEST_RECEIVED || state == ConnectionObserver.State.DISCONNECTING) {
				connection.channel().attr(LAST_ACTIVITY).set(System.nanoTime());
			}
		});
	}

	@Override
	public void collect(Set<Object> connections) {
		connections.addAll(this.channels);
	}

	/**
	 * When the channel last began or ended a request, or was accepted.
	 * @param channel the channel
	 * @return the {@link System#nanoTime()}, or {@code null} when unknown
	 */
	static @Nullable Long lastActivity(Channel channel) {
		return channel.attr(LAST_ACTIVITY).get();
	}

	/**
	 * How many open connections have a request in progress (request operations bound to
	 * the channel, as Reactor Netty itself tells them apart when it is disposed).
	 * @return the count
	 */
	int requestsInProgress() {
		int busy = 0;
		for (Channel channel : this.channels) {
			if (channel.isActive() && ChannelOperations.get(channel) != null) {
				busy++;
			}
		}
		return busy;
	}

	/**
	 * Run an action on every open connection in its event loop and count those it
	 * counted. An event loop too busy to run it within a second is left out, and its task
	 * does nothing when it finally runs.
	 * @param action what to do; returns whether it counts
	 * @return how many connections the action counted
	 */
	int inEventLoops(Predicate<Channel> action) {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		List<Future<Boolean>> tasks = new ArrayList<>();
		for (Channel channel : this.channels) {
			tasks.add(channel.eventLoop().submit(() -> System.nanoTime() - deadline < 0 && action.test(channel)));
		}
		return count(tasks, deadline, false);
	}

	/**
	 * Count the open connections a check holds true for, each checked in its event loop.
	 * @param check the check
	 * @return how many, or {@code -1} when an event loop did not answer within a second
	 */
	int countInEventLoops(Predicate<Channel> check) {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		List<Future<Boolean>> tasks = new ArrayList<>();
		for (Channel channel : this.channels) {
			tasks.add(channel.eventLoop().submit(() -> check.test(channel)));
		}
		return count(tasks, deadline, true);
	}

	/**
	 * Run an action on every open connection as {@link #inEventLoops(Predicate)} does,
	 * but only after its event loop has read what waits in its sockets: a request whose
	 * bytes arrived while the loop ran other tasks has no request operations yet, and
	 * looks idle until the loop reads it. The action is scheduled from within the loop
	 * for a millisecond later; a task scheduled from a task runs after the loop's next
	 * pass over its ready channels, not in the same batch of tasks.
	 * @param action what to do; returns whether it counts
	 * @return how many connections the action counted
	 */
	int inEventLoopsAfterTheirNextRead(Predicate<Channel> action) {
		long deadline = System.nanoTime() + TIMEOUT_NANOS;
		List<Future<Boolean>> tasks = new ArrayList<>();
		for (Channel channel : this.channels) {
			EventLoop loop = channel.eventLoop();
			Promise<Boolean> result = loop.newPromise();
			loop.execute(() -> loop.schedule(() -> {
				try {
					result.trySuccess(System.nanoTime() - deadline < 0 && action.test(channel));
				}
				catch (RuntimeException ex) {
					result.tryFailure(ex);
				}
			}, 1, TimeUnit.MILLISECONDS));
			tasks.add(result);
		}
		return count(tasks, deadline, false);
	}

	private static int count(List<Future<Boolean>> tasks, long deadline, boolean unansweredIsUnknown) {
		int counted = 0;
		for (Future<Boolean> task : tasks) {
			try {
				if (task.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
					counted++;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				// an event loop too busy to answer within the bound: not counted
				if (unansweredIsUnknown) {
					return -1;
				}
			}
		}
		return counted;
	}

}
