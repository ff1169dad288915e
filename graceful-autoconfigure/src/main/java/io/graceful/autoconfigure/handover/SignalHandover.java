package io.graceful.autoconfigure.handover;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.graceful.autoconfigure.core.Durations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * The hand-over on a signal ({@code graceful.handover.signal=HUP}): the running instance
 * starts its successor with its own command line and environment (a separate management
 * port excepted: the successor gets a free one, {@code 0}, since its readiness travels
 * over a Unix-domain socket instead), waits until the successor says it is ready on that
 * socket, and then shuts itself down gracefully, as on SIGTERM. A successor that exits or
 * is not ready within {@code graceful.handover.successor-timeout} is stopped, and this
 * instance keeps serving: never zero instances. A signal while a hand-over runs is
 * ignored. The log lines are a documented contract.
 */
class SignalHandover implements ApplicationListener<ApplicationReadyEvent> {

	/**
	 * The environment variable that tells a successor where to say it is ready.
	 */
	static final String NOTIFY_ENV = "GRACEFUL_HANDOVER_NOTIFY";

	private static final Log logger = LogFactory.getLog(SignalHandover.class);

	private static final long NONE = -1;

	private final Environment environment;

	private final Duration successorTimeout;

	private final AtomicLong successorPid = new AtomicLong(NONE);

	private volatile boolean installed;

	SignalHandover(Environment environment, Duration successorTimeout) {
		this.environment = environment;
		this.successorTimeout = successorTimeout;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.installed) {
			return;
		}
		this.installed = true;
		Signal.handle(new Signal("HUP"), (signal) -> signalled());
		logger.info("Hand-over: SIGHUP starts a successor on the same port and hands over to it once it is ready");
	}

	void signalled() {
		if (!this.successorPid.compareAndSet(NONE, 0)) {
			long pid = this.successorPid.get();
			logger.warn("Hand-over: SIGHUP ignored, a hand-over is already running"
					+ ((pid > 0) ? " (successor pid " + pid + ")" : ""));
			return;
		}
		Thread thread = new Thread(this::handOver, "graceful-handover");
		thread.setDaemon(true);
		thread.start();
	}

	private void handOver() {
		Path directory = null;
		Process successor = null;
		try {
			directory = Files.createTempDirectory("graceful-handover");
			Path socket = directory.resolve("ready.sock");
			try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
				server.bind(UnixDomainSocketAddress.of(socket));
				ProcessBuilder builder = new ProcessBuilder(successorCommand()).inheritIO();
				builder.environment().put(NOTIFY_ENV, socket.toString());
				successor = builder.start();
				this.successorPid.set(successor.pid());
				logger.info(String.format(
						"Hand-over: SIGHUP received; started successor pid %d with the same command "
								+ "line; waiting up to %s until it is ready",
						successor.pid(), Durations.format(this.successorTimeout)));
				String ready = awaitReady(server, successor);
				logger.info(String.format(
						"Hand-over: successor pid %d is ready (%s); shutting this instance down " + "gracefully",
						successor.pid(), ready));
			}
			Thread exit = new Thread(() -> System.exit(0), "graceful-handover-exit");
			exit.start();
		}
		catch (TimeoutException ex) {
			logger.warn(String.format(
					"Hand-over abandoned: successor pid %d was not ready within %s "
							+ "(graceful.handover.successor-timeout); stopping it, this instance keeps serving",
					successor.pid(), Durations.format(this.successorTimeout)));
			stop(successor);
			this.successorPid.set(NONE);
		}
		catch (ExecutionException ex) {
			logger.warn(String.format(
					"Hand-over abandoned: successor pid %d %s before it was ready; " + "this instance keeps serving",
					successor.pid(), ex.getCause().getMessage()));
			stop(successor);
			this.successorPid.set(NONE);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Hand-over abandoned: could not start a successor (" + ex + "); this instance keeps serving");
			if (successor != null) {
				stop(successor);
			}
			this.successorPid.set(NONE);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			delete(directory);
		}
	}

	/**
	 * Wait for the successor's ready message, or its exit, or the timeout.
	 */
	private String awaitReady(ServerSocketChannel server, Process successor)
			throws InterruptedException, ExecutionException, TimeoutException {
		CompletableFuture<String> ready = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (SocketChannel channel = server.accept(); InputStream input = Channels.newInputStream(channel)) {
				ready.complete(new String(input.readAllBytes(), StandardCharsets.UTF_8).trim());
			}
			catch (IOException ex) {
				ready.completeExceptionally(ex);
			}
		}, "graceful-handover-ready");
		reader.setDaemon(true);
		reader.start();
		successor.onExit()
			.thenRun(() -> ready
				.completeExceptionally(new IllegalStateException("exited with status " + successor.exitValue())));
		return ready.get(this.successorTimeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * This JVM's command line, with a separate management port replaced by a free one.
	 */
	List<String> successorCommand() {
		ProcessHandle.Info info = ProcessHandle.current().info();
		String command = info.command().orElseThrow(() -> new IllegalStateException("this JVM's command is unknown"));
		String[] arguments = info.arguments()
			.orElseThrow(() -> new IllegalStateException("this JVM's arguments are unknown"));
		List<String> successor = new ArrayList<>();
		successor.add(command);
		boolean separateManagementPort = separateManagementPort();
		for (String argument : arguments) {
			if (!(separateManagementPort && argument.startsWith("--management.server.port="))) {
				successor.add(argument);
			}
		}
		if (separateManagementPort) {
			successor.add("--management.server.port=0");
		}
		return successor;
	}

	private boolean separateManagementPort() {
		Integer management = this.environment.getProperty("management.server.port", Integer.class);
		return management != null && management != 0
				&& !management.equals(this.environment.getProperty("server.port", Integer.class, 8080));
	}

	private static void stop(Process successor) {
		successor.destroy();
		try {
			if (!successor.waitFor(10, TimeUnit.SECONDS)) {
				successor.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			successor.destroyForcibly();
		}
	}

	private static void delete(Path directory) {
		if (directory == null) {
			return;
		}
		try {
			Files.deleteIfExists(directory.resolve("ready.sock"));
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			// a temporary directory
		}
	}

}
