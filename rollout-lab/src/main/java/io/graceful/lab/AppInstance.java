package io.graceful.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.graceful.testsupport.ChildJvm;

/**
 * One sample-app instance (a name and a port) across its restarts. Its output is copied
 * to a log file while the lab watches for the starter's step lines, stamping them on the
 * lab clock as they arrive.
 */
final class AppInstance {

	/** Something that happened to this instance, in lab time. */
	record Event(String instance, String kind, double atMs, String detail) {
	}

	/**
	 * What the starter's shutdown summary said: its line, for people, and its
	 * {@code graceful.shutdown.cut.<kind>} fields.
	 */
	record Summary(String line, Map<String, Long> cut) {

		Summary {
			cut = Map.copyOf(cut);
		}

	}

	/**
	 * One stop of one run of the instance (its pid): SIGTERM to exit, with what the
	 * starter logged about it, read from its structured log fields: the withdraw delay it
	 * used (NaN when it logged none), its shutdown summary (null when it wrote none, as
	 * plain Spring Boot or a killed process) and what the steps that hit their bound cut,
	 * by kind (what a killed process reported before the kill).
	 */
	record Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
			double withdrawDelayMs, Summary summary, Map<String, Long> boundCut, double withdrawMinMs,
			double withdrawQuietMs) {

		Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
				double withdrawDelayMs, Summary summary, Map<String, Long> boundCut) {
			this(instance, pid, sigtermAtMs, exitAtMs, exitCode, killed, withdrawDelayMs, summary, boundCut, Double.NaN,
					Double.NaN);
		}

		Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
				double withdrawDelayMs, Summary summary) {
			this(instance, pid, sigtermAtMs, exitAtMs, exitCode, killed, withdrawDelayMs, summary, Map.of());
		}

		/**
		 * Whether the withdraw ended once traffic had stopped (a quiet period was
		 * logged).
		 */
		boolean trafficAwareWithdraw() {
			return !Double.isNaN(this.withdrawQuietMs);
		}

		double shutdownMs() {
			return this.exitAtMs - this.sigtermAtMs;
		}

	}

	/** What one run of the process logged that the lab needs; written by the log pump. */
	private static final class Run {

		final Process process;

		final Thread pump;

		volatile double withdrawDelayMs = Double.NaN;

		volatile double withdrawMinMs = Double.NaN;

		volatile double withdrawQuietMs = Double.NaN;

		volatile Summary summary;

		final Map<String, Long> boundCut = new ConcurrentHashMap<>();

		Run(Process process, Thread pump) {
			this.process = process;
			this.pump = pump;
		}

	}

	/**
	 * Spring Boot's structured console log; the lab reads the starter's fields from it.
	 */
	static final String STRUCTURED_LOGGING = "--logging.structured.format.console=logstash";

	/**
	 * The event of a stop's background-work step ending: the executors' last moment of
	 * work for this run of the instance.
	 */
	static final String BACKGROUND_WORK_END = "background work end";

	/** The steps whose end the timeline marks, with the mark. */
	private static final Map<String, String> STEP_END_MARKS = Map.of("withdraw", "withdraw end", "web-drain",
			"drain end", "background-work", BACKGROUND_WORK_END);

	/** Lines of the sample app itself (not the starter's) the timeline marks. */
	private static final List<String[]> MESSAGE_MARKS = List.of(new String[] { "Started SampleApplication", "started" },
			new String[] { "increment interrupted", "increment lost" });

	private final String name;

	private final int port;

	private final List<String> command;

	private final Path log;

	private final List<Event> events;

	private Process process;

	private volatile Run run;

	AppInstance(String name, int port, List<String> command, Path log, List<Event> events) {
		this.name = name;
		this.port = port;
		this.command = command;
		this.log = log;
		this.events = events;
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	static List<String> command(Path jar, int port, List<String> infraArguments, boolean graceful,
			List<String> extraArguments) {
		List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xms128m", "-Xmx384m", "-XX:+UseSerialGC",
				"-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port));
		command.addAll(infraArguments);
		command.add("--graceful.enabled=" + graceful);
		command.add(STRUCTURED_LOGGING);
		command.addAll(extraArguments);
		return command;
	}

	void start() {
		try {
			ProcessBuilder builder = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this.name, ex);
		}
		this.events.add(new Event(this.name, "start", LabClock.now(), ""));
		Process started = this.process;
		Run[] holder = new Run[1];
		Thread pump = new Thread(() -> pump(started, holder[0]), this.name + "-log");
		holder[0] = new Run(started, pump);
		this.run = holder[0];
		pump.setDaemon(true);
		pump.start();
	}

	long pid() {
		return this.process.pid();
	}

	private void pump(Process process, Run run) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				Writer out = Files.newBufferedWriter(this.log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND)) {
			String raw;
			while ((raw = reader.readLine()) != null) {
				double at = LabClock.now();
				LogLine line = LogLine.parse(raw);
				out.write(line.human());
				out.write('\n');
				out.flush();
				read(line, at, run);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private void read(LogLine line, double at, Run run) {
		if (line.isStep("withdraw", "started")) {
			run.withdrawDelayMs = line.number("graceful.step.bound_ms");
			run.withdrawQuietMs = line.number("graceful.step.count.quiet-period-ms");
			run.withdrawMinMs = line.number("graceful.step.count.min-delay-ms");
		}
		if ("finished".equals(line.text("graceful.step.event"))) {
			if ("timed-out".equals(line.text("graceful.step.outcome"))) {
				line.numbers("graceful.step.cut.")
					.forEach((kind, number) -> run.boundCut.merge(kind, number, Long::sum));
			}
			String mark = STEP_END_MARKS.get(line.text("graceful.step.name"));
			if (mark != null) {
				this.events.add(new Event(this.name, mark, at, line.message()));
			}
		}
		if (!Double.isNaN(line.number("graceful.shutdown.duration_ms"))) {
			run.summary = new Summary(line.message(), line.numbers("graceful.shutdown.cut."));
			this.events.add(new Event(this.name, "summary", at, line.message()));
		}
		for (String[] mark : MESSAGE_MARKS) {
			if (line.message().contains(mark[0])) {
				this.events.add(new Event(this.name, mark[1], at, line.message()));
			}
		}
	}

	boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/** Sends SIGTERM and waits for the exit; SIGKILL after {@code boundMs}. */
	Stop stop(long boundMs) {
		double sigterm = sigterm();
		return awaitExit(sigterm, boundMs);
	}

	/**
	 * Sends SIGTERM (once more, for the {@code double-sigterm} fault) and returns when it
	 * was sent, in lab time.
	 */
	double sigterm() {
		double at = LabClock.now();
		this.events.add(new Event(this.name, "SIGTERM", at, ""));
		// SIGTERM through the handle: Process.destroy() would also close our end of the
		// pipe, losing the shutdown log
		this.process.toHandle().destroy();
		return at;
	}

	/**
	 * Waits for the exit of a process sent SIGTERM at {@code sigterm}; SIGKILL when
	 * {@code boundMs} have passed.
	 */
	Stop awaitExit(double sigterm, long boundMs) {
		boolean killed = false;
		long leftMs = Math.max(0, (long) (sigterm + boundMs - LabClock.now()));
		try {
			if (!this.process.waitFor(leftMs, TimeUnit.MILLISECONDS)) {
				killed = true;
				this.process.destroyForcibly();
				this.process.waitFor();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		double exit = LabClock.now();
		this.events.add(new Event(this.name, killed ? "SIGKILL" : "exit", exit, "exit code " + exitCode()));
		Run stopped = this.run;
		try {
			// the last lines (the shutdown summary) may still be in the pipe when the
			// exit is seen
			stopped.pump.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return new Stop(this.name, this.process.pid(), sigterm, exit, exitCode(), killed, stopped.withdrawDelayMs,
				stopped.summary, Map.copyOf(stopped.boundCut), stopped.withdrawMinMs, stopped.withdrawQuietMs);
	}

	/**
	 * Whether the instance itself (not the balancer) answers its readiness probe with
	 * 200.
	 */
	boolean ready() {
		try {
			java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI
				.create("http://127.0.0.1:" + this.port + HaProxy.READINESS_PATH)
				.toURL()
				.openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(2000);
			try {
				return connection.getResponseCode() == 200;
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Whether the instance's worker threads are all busy: a liveness probe sent straight
	 * to it gets no answer within {@code withinMs} (it waits for a worker; liveness
	 * itself answers in a millisecond).
	 */
	boolean saturated(long withinMs) {
		try (java.net.Socket socket = new java.net.Socket()) {
			socket.connect(new java.net.InetSocketAddress("127.0.0.1", this.port), 500);
			socket.setSoTimeout((int) withinMs);
			socket.getOutputStream()
				.write(("GET /actuator/health/liveness HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			socket.getInputStream().read();
			return false;
		}
		catch (java.net.SocketTimeoutException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private int exitCode() {
		return this.process.isAlive() ? -1 : this.process.exitValue();
	}

	static CopyOnWriteArrayList<Event> newEventList() {
		return new CopyOnWriteArrayList<>();
	}

}
