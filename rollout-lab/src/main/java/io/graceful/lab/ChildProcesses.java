package io.graceful.lab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starting and stopping the lab's child processes (Kafka, HAProxy, app instances).
 */
final class ChildProcesses {

	private ChildProcesses() {
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * The classpath holding the lab's dependencies (Kafka's jars among them): the lab
	 * JVM's own classpath when it was started by {@code ./lab}, otherwise the file Maven
	 * wrote ({@code lab.classpathFile}).
	 */
	static String labClasspath() {
		String own = System.getProperty("java.class.path", "");
		if (own.contains("kafka_2.13")) {
			return own;
		}
		String file = System.getProperty("lab.classpathFile", "rollout-lab/target/classpath.txt");
		try {
			return Files.readString(Path.of(file)).trim();
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Cannot find the lab's classpath (" + file + "); build it with ./mvnw first", ex);
		}
	}

	static Process start(List<String> command, Path log) {
		try {
			ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
			builder.redirectErrorStream(true);
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + command.get(0), ex);
		}
	}

	static int run(List<String> command, Path log, long timeoutSeconds) {
		Process process = start(command, log);
		try {
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + "s");
			}
			return process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** SIGTERM, then SIGKILL when the process has not exited within the bound. */
	static void terminate(Process process, long boundSeconds) {
		if (process == null || !process.isAlive()) {
			return;
		}
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
	}

}
