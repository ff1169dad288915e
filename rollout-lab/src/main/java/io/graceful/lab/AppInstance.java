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

/**
 * One sample-app instance (a name and a port) across its restarts. Its output is copied
 * to a log file while the lab watches for the starter's step lines, stamping them on the
 * lab clock as they arrive.
 */
final class AppInstance {

	/** Something that happened to this instance, in lab time. */
	record Event(String instance, String kind, double atMs, String detail) {
	}

	/** One stop: SIGTERM to exit. */
	record Restart(String instance, double sigtermAtMs, double exitAtMs, int exitCode, boolean killed,
			double upAgainAtMs) {

		double shutdownMs() {
			return this.exitAtMs - this.sigtermAtMs;
		}

	}

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
		List<String> command = new ArrayList<>(List.of(ChildProcesses.java(), "-Xms128m", "-Xmx384m",
				"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--server.port=" + port));
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
		Thread pump = new Thread(() -> pump(started), this.name + "-log");
		pump.setDaemon(true);
		pump.start();
	}

	private void pump(Process process) {
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

	/** Sends SIGTERM and waits for the exit; SIGKILL after {@code boundSeconds}. */
	Restart stop(long boundSeconds) {
		double sigterm = LabClock.now();
		this.events.add(new Event(this.name, "SIGTERM", sigterm, ""));
		// SIGTERM through the handle: Process.destroy() would also close our end of the
		// pipe, losing the shutdown log
		this.process.toHandle().destroy();
		boolean killed = false;
		try {
			if (!this.process.waitFor(boundSeconds, TimeUnit.SECONDS)) {
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
		return new Restart(this.name, sigterm, exit, exitCode(), killed, Double.NaN);
	}

	private int exitCode() {
		return this.process.isAlive() ? -1 : this.process.exitValue();
	}

	static CopyOnWriteArrayList<Event> newEventList() {
		return new CopyOnWriteArrayList<>();
	}

}
