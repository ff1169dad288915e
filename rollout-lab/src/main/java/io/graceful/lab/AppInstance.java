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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
	 * One stop of one run of the instance (its pid): SIGTERM to exit, with what the
	 * starter logged about it: the withdraw delay it used (NaN when it logged none), its
	 * shutdown summary line (null when it wrote none, as plain Spring Boot or a killed
	 * process) and the lines of steps that hit their bound (what a killed process
	 * reported before the kill).
	 */
	record Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
			double withdrawDelayMs, String summary, List<String> boundLines, double withdrawMinMs,
			double withdrawQuietMs) {

		Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
				double withdrawDelayMs, String summary, List<String> boundLines) {
			this(instance, pid, sigtermAtMs, exitAtMs, exitCode, killed, withdrawDelayMs, summary, boundLines,
					Double.NaN, Double.NaN);
		}

		Stop(String instance, long pid, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
				double withdrawDelayMs, String summary) {
			this(instance, pid, sigtermAtMs, exitAtMs, exitCode, killed, withdrawDelayMs, summary, List.of());
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

		volatile String summary;

		final List<String> boundLines = new CopyOnWriteArrayList<>();

		Run(Process process, Thread pump) {
			this.process = process;
			this.pump = pump;
		}

	}

	private static final Pattern WITHDRAW_DELAY = Pattern
		.compile("still serving requests for up to ([0-9.]+(?:ms|s|m))");

	private static final Pattern WITHDRAW_QUIET = Pattern
		.compile("ends early after ([0-9.]+(?:ms|s|m)) without traffic, not before ([0-9.]+(?:ms|s|m))");

	private static final String SUMMARY = "Graceful shutdown completed";

	private static final List<String[]> MARKERS = List.of(new String[] { "Started SampleApplication", "started" },
			new String[] { "Withdraw finished", "withdraw end" }, new String[] { "Withdraw skipped", "withdraw end" },
			new String[] { "Web drain finished", "drain end" }, new String[] { "Web drain hit", "drain end" },
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
			String line;
			while ((line = reader.readLine()) != null) {
				double at = LabClock.now();
				out.write(line);
				out.write('\n');
				out.flush();
				Matcher delay = WITHDRAW_DELAY.matcher(line);
				if (delay.find()) {
					run.withdrawDelayMs = Settings.duration(delay.group(1)).toMillis();
				}
				Matcher quiet = WITHDRAW_QUIET.matcher(line);
				if (quiet.find()) {
					run.withdrawQuietMs = Settings.duration(quiet.group(1)).toMillis();
					run.withdrawMinMs = Settings.duration(quiet.group(2)).toMillis();
				}
				if (line.contains(" hit its ") || line.contains(" hit their ")) {
					int message = line.indexOf(" : ");
					run.boundLines.add((message >= 0) ? line.substring(message + 3) : line);
				}
				if (line.contains(SUMMARY)) {
					run.summary = line.substring(line.indexOf(SUMMARY));
					this.events.add(new Event(this.name, "summary", at, run.summary));
				}
				for (String[] marker : MARKERS) {
					if (line.contains(marker[0])) {
						int message = line.indexOf(" : ");
						this.events.add(new Event(this.name, marker[1], at,
								(message >= 0) ? line.substring(message + 3) : line));
					}
				}
			}
		}
		catch (IOException ex) {
			// the process ended
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
				stopped.summary, List.copyOf(stopped.boundLines), stopped.withdrawMinMs, stopped.withdrawQuietMs);
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
