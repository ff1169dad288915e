package io.graceful.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ node as its own process: Debian's {@code rabbitmq-server} in the foreground
 * with its own node name, AMQP port, distribution port, epmd port and data folder (under
 * the run folder, owned by the {@code rabbitmq} user when the lab runs as root, as the
 * package's wrapper switches to that user), as the starter's tests run it. Listens on
 * 127.0.0.1 only, no plugins. Ready once it answers the AMQP protocol header with
 * {@code Connection.Start}. Stopped with {@code rabbitmqctl stop}, then its epmd.
 */
final class RabbitBroker implements AutoCloseable {

	private static final Path SERVER = Path.of("/usr/sbin/rabbitmq-server");

	private static final Path CTL = Path.of("/usr/sbin/rabbitmqctl");

	private final Path dir;

	private final int port;

	private final String nodeName;

	private final Map<String, String> environment;

	private Process process;

	RabbitBroker(Path dir) {
		this.dir = dir;
		this.port = Ports.free();
		this.nodeName = "graceful-lab-" + ProcessHandle.current().pid() + "@localhost";
		this.environment = Map.ofEntries(Map.entry("RABBITMQ_NODENAME", this.nodeName),
				Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"), Map.entry("RABBITMQ_NODE_PORT", "" + this.port),
				Map.entry("RABBITMQ_DIST_PORT", "" + Ports.free()), Map.entry("ERL_EPMD_PORT", "" + Ports.free()),
				Map.entry("ERL_EPMD_ADDRESS", "127.0.0.1"),
				Map.entry("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString()),
				Map.entry("RABBITMQ_LOG_BASE", dir.resolve("log").toString()), Map.entry("RABBITMQ_LOGS", "-"),
				Map.entry("RABBITMQ_PID_FILE", dir.resolve("pid").toString()),
				Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()),
				Map.entry("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"));
	}

	static boolean isInstalled() {
		return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
	}

	String host() {
		return "127.0.0.1";
	}

	int port() {
		return this.port;
	}

	Path log() {
		return this.dir.resolve("rabbitmq.log");
	}

	void start(Duration timeout) {
		if (!isInstalled()) {
			throw new IllegalStateException("rabbitmq-server is not installed: apt-get install -y rabbitmq-server "
					+ "(./test installs it when missing), or run the lab with --broker kafka");
		}
		try {
			Files.createDirectories(this.dir);
			Files.writeString(this.dir.resolve("enabled_plugins"), "[].\n");
			if ("root".equals(System.getProperty("user.name"))) {
				UserPrincipal rabbitmq = this.dir.getFileSystem()
					.getUserPrincipalLookupService()
					.lookupPrincipalByName("rabbitmq");
				Files.setOwner(this.dir, rabbitmq);
				Files.setOwner(this.dir.resolve("enabled_plugins"), rabbitmq);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ProcessBuilder builder = new ProcessBuilder(SERVER.toString()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
		builder.environment().putAll(this.environment);
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + SERVER, ex);
		}
		awaitReady(timeout);
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!answersAmqp()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(
						"rabbitmq-server exited with " + this.process.exitValue() + "; see " + log());
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("RabbitMQ not ready within " + timeout.toSeconds() + "s; see " + log());
			}
			try {
				Thread.sleep(200); // nothing signals that the listener is open
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	/**
	 * Whether the node answers the AMQP 0-9-1 protocol header with a method frame (its
	 * {@code Connection.Start}): the listener is open and the broker has booted.
	 */
	private boolean answersAmqp() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), this.port), 500);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write("AMQP".getBytes(StandardCharsets.US_ASCII));
			out.write(new byte[] { 0, 0, 9, 1 });
			out.flush();
			InputStream in = socket.getInputStream();
			return in.read() == 1;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** What an application instance needs, as {@code --key=value} arguments. */
	List<String> appArguments() {
		return List.of("--spring.profiles.active=rabbitmq", "--spring.rabbitmq.host=" + host(),
				"--spring.rabbitmq.port=" + this.port, "--spring.rabbitmq.username=guest",
				"--spring.rabbitmq.password=guest");
	}

	/**
	 * Stops the node ({@code rabbitmqctl stop}; killed when it has not exited within 20
	 * s), then its epmd.
	 */
	@Override
	public void close() {
		if (this.process == null) {
			return;
		}
		List<ProcessHandle> processes = new ArrayList<>(this.process.descendants().toList());
		try {
			if (this.process.isAlive()) {
				ctl(List.of(CTL.toString(), "-n", this.nodeName, "stop"));
				if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
					this.process.destroyForcibly();
				}
			}
			processes.forEach(ProcessHandle::destroyForcibly);
			ctl(List.of("epmd", "-port", this.environment.get("ERL_EPMD_PORT"), "-kill"));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	private void ctl(List<String> command) throws InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("ctl.log").toFile()));
		builder.environment().putAll(this.environment);
		try {
			Process ctl = builder.start();
			if (!ctl.waitFor(30, TimeUnit.SECONDS)) {
				ctl.destroyForcibly();
			}
		}
		catch (IOException ex) {
			// best effort at the end of a run: the processes are killed below or by the
			// lab's exit
		}
	}

}
