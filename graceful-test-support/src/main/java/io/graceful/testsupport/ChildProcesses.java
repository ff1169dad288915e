package io.graceful.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Starting, signalling and stopping child processes of any kind (HAProxy, a RabbitMQ
 * node, a JVM) together with the processes they start in turn: a process tree is stopped
 * as a whole, so that nothing a run started outlives it.
 */
public final class ChildProcesses {

	private ChildProcesses() {
	}

	/**
	 * Start a command with its output (standard output and error) appended to a file and
	 * no standard input.
	 * @param command the command and its arguments
	 * @param log the file the output is appended to
	 * @return the running process
	 */
	public static Process start(List<String> command, Path log) {
		return start(command, Map.of(), log);
	}

	/**
	 * Start a command with more environment variables, its output appended to a file and
	 * no standard input.
	 * @param command the command and its arguments
	 * @param environment the variables added to this JVM's environment
	 * @param log the file the output is appended to
	 * @return the running process
	 */
	public static Process start(List<String> command, Map<String, String> environment, Path log) {
		ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		builder.environment().putAll(environment);
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + command.get(0), ex);
		}
	}

	/**
	 * Run a command to its end, its output appended to a file.
	 * @param command the command and its arguments
	 * @param log the file the output is appended to
	 * @param timeoutSeconds how long it may take; it is killed after that
	 * @return its exit status
	 */
	public static int run(List<String> command, Path log, long timeoutSeconds) {
		return run(command, Map.of(), log, timeoutSeconds);
	}

	/**
	 * Run a command with more environment variables to its end, its output appended to a
	 * file.
	 * @param command the command and its arguments
	 * @param environment the variables added to this JVM's environment
	 * @param log the file the output is appended to
	 * @param timeoutSeconds how long it may take; it is killed after that
	 * @return its exit status
	 */
	public static int run(List<String> command, Map<String, String> environment, Path log, long timeoutSeconds) {
		Process process = start(command, environment, log);
		try {
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				kill(process);
				throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + "s");
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(process);
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Send a signal with {@code kill} to a process, and to every process below it when
	 * {@code tree} is set (for a signal such as {@code STOP} that a parent does not pass
	 * on).
	 * @param process the process
	 * @param signal the signal's name without {@code SIG}, e.g. {@code TERM}
	 * @param tree whether the processes below it get the signal too
	 */
	public static void signal(Process process, String signal, boolean tree) {
		List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(process.pid())));
		if (tree) {
			process.descendants().forEach((handle) -> command.add(String.valueOf(handle.pid())));
		}
		try {
			Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (kill.waitFor() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + String.join(" ", command), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Stop a process the way a platform does: SIGTERM, then SIGKILL when it has not
	 * exited within the bound. The processes it started are killed when they outlive it.
	 * @param process the process, or {@code null} when it was never started
	 * @param boundSeconds how long it may take to exit after SIGTERM
	 */
	public static void terminate(@Nullable Process process, long boundSeconds) {
		if (process == null || !process.isAlive()) {
			return;
		}
		List<ProcessHandle> below = process.descendants().toList();
		process.destroy();
		try {
			if (!process.waitFor(boundSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
		killAll(below);
	}

	/**
	 * Kill a process and every process below it (SIGKILL), as a crash or a lost host
	 * would, and wait until they are gone.
	 * @param process the process
	 */
	public static void kill(Process process) {
		List<ProcessHandle> below = process.descendants().toList();
		process.destroyForcibly();
		killAll(below);
		try {
			process.waitFor(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void killAll(List<ProcessHandle> processes) {
		processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : processes) {
			handle.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally((ex) -> handle).join();
		}
	}

	/**
	 * Wait between two polls of something that cannot signal.
	 * @param millis how long
	 */
	static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
