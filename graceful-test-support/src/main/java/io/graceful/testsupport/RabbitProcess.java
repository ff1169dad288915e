package io.graceful.testsupport;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.ConnectionFactory;

/**
 * A real RabbitMQ node in its own process: Debian's {@code rabbitmq-server} package
 * ({@code apt-get install rabbitmq-server}; {@code ./test} installs it when missing) run
 * in the foreground with its own node name, AMQP port, distribution port, epmd port and
 * data folder (owned by the {@code rabbitmq} user when this JVM runs as root, as the
 * package's wrapper switches to that user). Listens on 127.0.0.1 only and enables no
 * plugin. Ready once it answers the AMQP protocol header with {@code Connection.Start}.
 * Its output goes to {@code rabbitmq.log} in the folder. {@link #close()} stops it
 * ({@code rabbitmqctl stop}) and its epmd.
 */
public final class RabbitProcess implements AutoCloseable {

	private static final Path SERVER = Path.of("/usr/sbin/rabbitmq-server");

	private static final Path CTL = Path.of("/usr/sbin/rabbitmqctl");

	private final Path directory;

	private final boolean temporary;

	private final String nodeName;

	private final int port;

	private final Map<String, String> environment;

	private final Process process;

	private final Duration startedIn;

	private RabbitProcess(Path directory, boolean temporary, Duration timeout) {
		this.directory = directory;
		this.temporary = temporary;
		this.nodeName = "graceful-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
		this.port = Ports.free();
		this.environment = Map.ofEntries(Map.entry("RABBITMQ_NODENAME", this.nodeName),
				Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"), Map.entry("RABBITMQ_NODE_PORT", "" + this.port),
				Map.entry("RABBITMQ_DIST_PORT", "" + Ports.free()), Map.entry("ERL_EPMD_PORT", "" + Ports.free()),
				Map.entry("ERL_EPMD_ADDRESS", "127.0.0.1"),
				Map.entry("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString()),
				Map.entry("RABBITMQ_LOG_BASE", directory.resolve("log").toString()), Map.entry("RABBITMQ_LOGS", "-"),
				Map.entry("RABBITMQ_PID_FILE", directory.resolve("pid").toString()),
				Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString()),
				Map.entry("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"));
		long start = System.nanoTime();
		prepare(directory);
		this.process = ChildProcesses.start(List.of(SERVER.toString()), this.environment, log());
		try {
			awaitReady(timeout);
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		this.startedIn = Duration.ofNanos(System.nanoTime() - start);
	}

	/**
	 * Whether a node can run here: the package is installed.
	 * @return whether {@code rabbitmq-server} is installed
	 */
	public static boolean isInstalled() {
		return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
	}

	/**
	 * Start a node in a temporary folder (deleted on {@link #close()}) and wait up to a
	 * minute until it accepts AMQP connections.
	 * @return the running node
	 */
	public static RabbitProcess start() {
		try {
			return start(Files.createTempDirectory("rabbitmq-process"), true, Duration.ofSeconds(60));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start a node in a folder that is kept after {@link #close()} and wait until it
	 * accepts AMQP connections.
	 * @param directory the folder for its data and log
	 * @param timeout how long at most
	 * @return the running node
	 */
	public static RabbitProcess start(Path directory, Duration timeout) {
		return start(directory, false, timeout);
	}

	private static RabbitProcess start(Path directory, boolean temporary, Duration timeout) {
		if (!isInstalled()) {
			throw new IllegalStateException("rabbitmq-server is not installed: run ./test (it installs it when "
					+ "missing, as root) or apt-get install -y rabbitmq-server");
		}
		return new RabbitProcess(directory, temporary, timeout);
	}

	private static void prepare(Path directory) {
		try {
			Files.createDirectories(directory);
			Path plugins = Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
			if ("root".equals(System.getProperty("user.name"))) {
				UserPrincipal rabbitmq = directory.getFileSystem()
					.getUserPrincipalLookupService()
					.lookupPrincipalByName("rabbitmq");
				Files.setOwner(directory, rabbitmq);
				Files.setOwner(plugins, rabbitmq);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!answersAmqp()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("rabbitmq-server exited with " + this.process.exitValue()
						+ " before it accepted connections; see " + log());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("rabbitmq-server accepted no AMQP connection within "
						+ timeout.toSeconds() + "s; see " + log());
			}
			ChildProcesses.pause(200); // nothing signals that the listener is open
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

	public String host() {
		return "127.0.0.1";
	}

	public int port() {
		return this.port;
	}

	public String nodeName() {
		return this.nodeName;
	}

	/**
	 * The file its output goes to.
	 * @return the log file
	 */
	public Path log() {
		return this.directory.resolve("rabbitmq.log");
	}

	/**
	 * How long the start took, until it answered AMQP.
	 * @return the time
	 */
	public Duration startedIn() {
		return this.startedIn;
	}

	/**
	 * Whether the node runs: the wrapper script or the Erlang VM below it.
	 * @return whether it runs
	 */
	public boolean isAlive() {
		return this.process.isAlive() || this.process.descendants().anyMatch(ProcessHandle::isAlive);
	}

	/**
	 * A client connection factory for this node (user {@code guest}, loopback only);
	 * needs {@code com.rabbitmq:amqp-client} on the classpath.
	 * @return a new connection factory
	 */
	public ConnectionFactory connectionFactory() {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost(host());
		factory.setPort(this.port);
		factory.setUsername("guest");
		factory.setPassword("guest");
		return factory;
	}

	/**
	 * Spring Boot properties that point {@code spring.rabbitmq} at this node.
	 * @return the properties, as {@code key=value}
	 */
	public String[] springProperties() {
		return new String[] { "spring.rabbitmq.host=" + host(), "spring.rabbitmq.port=" + this.port,
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest" };
	}

	/**
	 * Stop the node ({@code rabbitmqctl stop}, which halts it cleanly) and wait until its
	 * processes exited; they are killed when that has not worked within 20 seconds.
	 */
	public void stop() {
		if (!isAlive()) {
			return;
		}
		List<ProcessHandle> processes = this.process.descendants().toList();
		ctl(List.of(CTL.toString(), "-n", this.nodeName, "stop"));
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				ChildProcesses.kill(this.process);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			ChildProcesses.kill(this.process);
		}
		processes.forEach(ProcessHandle::destroyForcibly);
	}

	/**
	 * Kill the node (SIGKILL to its processes), as a crash or a lost host would: clients
	 * learn of it only when their connection breaks.
	 */
	public void kill() {
		ChildProcesses.kill(this.process);
	}

	/**
	 * Freeze the node (SIGSTOP to its processes), as an overloaded or partitioned broker
	 * would look: connections stay open, nothing is answered.
	 */
	public void freeze() {
		ChildProcesses.signal(this.process, "STOP", true);
	}

	/**
	 * Let a frozen node go on (SIGCONT).
	 */
	public void thaw() {
		ChildProcesses.signal(this.process, "CONT", true);
	}

	private void ctl(List<String> command) {
		try {
			ChildProcesses.run(command, this.environment, this.directory.resolve("ctl.log"), 30);
		}
		catch (RuntimeException ex) {
			// best effort: the processes are killed after it
		}
	}

	/**
	 * Stop the node, then its epmd (started for this node on its own port); a temporary
	 * folder is deleted.
	 */
	@Override
	public void close() {
		stop();
		ctl(List.of("epmd", "-port", this.environment.get("ERL_EPMD_PORT"), "-kill"));
		if (this.temporary) {
			Directories.delete(this.directory);
		}
	}

}
