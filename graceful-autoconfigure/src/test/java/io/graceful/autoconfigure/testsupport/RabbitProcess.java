package io.graceful.autoconfigure.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A real RabbitMQ broker in its own process: Debian's {@code rabbitmq-server} package
 * ({@code apt-get install rabbitmq-server}; {@code ./test} installs it when missing) run
 * in the foreground with its own node name, AMQP port, distribution port, epmd port and
 * data and log directories in a temporary directory owned by the {@code rabbitmq} user
 * (the package's wrapper switches to that user when run as root). Listens on 127.0.0.1
 * only, enables no plugin, and is ready once a real AMQP connection succeeds. A test can
 * stop it mid-way for the broker-down case; {@link #close()} stops it and its epmd.
 */
public final class RabbitProcess implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RabbitProcess.class);

	private static final Path SERVER = Path.of("/usr/sbin/rabbitmq-server");

	private static final Path CTL = Path.of("/usr/sbin/rabbitmqctl");

	private final Path directory;

	private final String nodeName;

	private final int port;

	private final Map<String, String> environment;

	private final Process process;

	private RabbitProcess(Path directory, String nodeName, int port, Map<String, String> environment, Process process) {
		this.directory = directory;
		this.nodeName = nodeName;
		this.port = port;
		this.environment = environment;
		this.process = process;
	}

	/**
	 * Whether the broker can run here: the package is installed.
	 * @return whether {@code rabbitmq-server} is installed
	 */
	public static boolean isInstalled() {
		return Files.isExecutable(SERVER) && Files.isExecutable(CTL);
	}

	/**
	 * Start a broker and wait until it accepts AMQP connections.
	 * @return the running broker
	 * @throws IOException if it could not be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static RabbitProcess start() throws IOException, InterruptedException {
		if (!isInstalled()) {
			throw new IllegalStateException("rabbitmq-server is not installed: run ./test (it installs it when "
					+ "missing, as root) or apt-get install -y rabbitmq-server");
		}
		long start = System.nanoTime();
		Path directory = Files.createTempDirectory("rabbitmq-process");
		Path plugins = Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
		UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
		if (isRoot()) {
			UserPrincipal rabbitmq = users.lookupPrincipalByName("rabbitmq");
			Files.setOwner(directory, rabbitmq);
			Files.setOwner(plugins, rabbitmq);
		}
		String nodeName = "graceful-test-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
		int port = freePort();
		Map<String, String> environment = Map.ofEntries(Map.entry("RABBITMQ_NODENAME", nodeName),
				Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"), Map.entry("RABBITMQ_NODE_PORT", "" + port),
				Map.entry("RABBITMQ_DIST_PORT", "" + freePort()), Map.entry("ERL_EPMD_PORT", "" + freePort()),
				Map.entry("ERL_EPMD_ADDRESS", "127.0.0.1"),
				Map.entry("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString()),
				Map.entry("RABBITMQ_LOG_BASE", directory.resolve("log").toString()), Map.entry("RABBITMQ_LOGS", "-"),
				Map.entry("RABBITMQ_PID_FILE", directory.resolve("pid").toString()),
				Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", plugins.toString()),
				Map.entry("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"));
		ProcessBuilder builder = new ProcessBuilder(SERVER.toString()).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process = builder.start();
		Path log = directory.resolve("broker.log");
		Thread pump = new Thread(() -> pump(process, log), "rabbitmq-process-log");
		pump.setDaemon(true);
		pump.start();
		RabbitProcess rabbit = new RabbitProcess(directory, nodeName, port, environment, process);
		try {
			rabbit.awaitAmqp(TimeUnit.SECONDS.toNanos(60), log);
		}
		catch (IOException | RuntimeException | InterruptedException ex) {
			rabbit.close();
			throw ex;
		}
		logger.info(String.format(
				"RabbitMQ for tests: rabbitmq-server in its own process (node %s, pid %d) at "
						+ "127.0.0.1:%d, started in %d ms",
				nodeName, process.pid(), port, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
		return rabbit;
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private void awaitAmqp(long timeoutNanos, Path log) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeoutNanos;
		ConnectionFactory factory = connectionFactory();
		factory.setConnectionTimeout(1000);
		while (true) {
			try (Connection connection = factory.newConnection("graceful-test-ready")) {
				return;
			}
			catch (IOException | java.util.concurrent.TimeoutException ex) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("rabbitmq-server exited with " + this.process.exitValue()
							+ " before it accepted connections; see " + log);
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"rabbitmq-server accepted no AMQP connection within 60s; see " + log, ex);
				}
				Thread.sleep(200); // nothing signals that the listener is open
			}
		}
	}

	private static void pump(Process process, Path log) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				Writer writer = Files.newBufferedWriter(log)) {
			String line;
			while ((line = reader.readLine()) != null) {
				writer.write(line);
				writer.write(System.lineSeparator());
				writer.flush();
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
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

	public boolean isAlive() {
		return this.process.isAlive() || this.process.descendants().anyMatch(ProcessHandle::isAlive);
	}

	/**
	 * A client connection factory for this broker (user {@code guest}, loopback only).
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
	 * Spring Boot properties that point {@code spring.rabbitmq} at this broker.
	 * @return the properties
	 */
	public String[] springProperties() {
		return new String[] { "spring.rabbitmq.host=" + host(), "spring.rabbitmq.port=" + this.port,
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest" };
	}

	/**
	 * Stop the node ({@code rabbitmqctl stop}, which halts it cleanly) and wait until its
	 * processes exited; kill them if that does not work within 20 seconds.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void stop() throws InterruptedException {
		if (!isAlive()) {
			return;
		}
		long start = System.nanoTime();
		List<ProcessHandle> processes = new ArrayList<>(this.process.descendants().toList());
		try {
			run(CTL.toString(), "-n", this.nodeName, "stop");
		}
		catch (IOException ex) {
			logger.warn("rabbitmqctl stop failed; killing the node", ex);
		}
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			kill();
		}
		processes.forEach(ProcessHandle::destroyForcibly);
		logger.info(String.format("RabbitMQ node %s stopped in %d ms", this.nodeName,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
	}

	/**
	 * Kill the node (SIGKILL), as a crash or a lost host would: clients learn of it only
	 * when their connection breaks.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void kill() throws InterruptedException {
		List<ProcessHandle> processes = new ArrayList<>(this.process.descendants().toList());
		processes.forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
		for (ProcessHandle handle : processes) {
			handle.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally((ex) -> handle).join();
		}
	}

	/**
	 * Freeze the node (SIGSTOP to its processes), as an overloaded or partitioned broker
	 * would look: connections stay open, nothing is answered.
	 * @throws IOException if the signal could not be sent
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void freeze() throws IOException, InterruptedException {
		signal("-STOP");
	}

	/**
	 * Let a frozen node go on (SIGCONT).
	 * @throws IOException if the signal could not be sent
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void thaw() throws IOException, InterruptedException {
		signal("-CONT");
	}

	private void signal(String signal) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("kill", signal, "" + this.process.pid()));
		this.process.descendants().forEach((handle) -> command.add("" + handle.pid()));
		Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
		if (kill.waitFor() != 0) {
			throw new IOException(
					String.join(" ", command) + " failed: " + new String(kill.getInputStream().readAllBytes()));
		}
	}

	private void run(String... command) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("ctl.log").toFile());
		builder.environment().putAll(this.environment);
		Process ctl = builder.start();
		if (!ctl.waitFor(30, TimeUnit.SECONDS)) {
			ctl.destroyForcibly();
			throw new IOException(String.join(" ", command) + " did not end within 30s");
		}
	}

	/**
	 * Stop the node, then its epmd (started for this node on its own port), and delete
	 * the directory.
	 */
	@Override
	public void close() {
		try {
			stop();
			run("epmd", "-port", this.environment.get("ERL_EPMD_PORT"), "-kill");
		}
		catch (IOException ex) {
			logger.warn("Could not stop epmd of RabbitMQ node " + this.nodeName, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
