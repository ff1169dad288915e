package io.graceful.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@link BenchApplication} in a JVM of its own, with or without the graceful
 * auto-configuration on its classpath.
 */
final class Child implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final Variant variant;

	private Child(Process process, Path log, Variant variant) {
		this.process = process;
		this.log = log;
		this.variant = variant;
	}

	static Child start(Variant variant, List<String> jvmOptions, List<String> args) throws IOException {
		Path directory = Files.createDirectories(Path.of("benchmarks", "target", "runs"));
		Path argFile = Files.createTempFile(directory, "bench", ".args");
		Files.writeString(argFile, "-cp \"" + variant.classpath() + "\"\n");
		Path log = Files.createTempFile(directory, variant.name(), ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("@" + argFile);
		command.addAll(jvmOptions);
		command.add(BenchApplication.class.getName());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new Child(process, log, variant);
	}

	/**
	 * Run a main class of this module in a JVM of its own, with the starter on the
	 * classpath, and wait for it to end.
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @param timeout how long at most
	 * @return what it printed
	 */
	static List<String> runToEnd(Class<?> mainClass, List<String> jvmOptions, List<String> args, Duration timeout)
			throws IOException, InterruptedException {
		return runToEnd(Variant.WITH, mainClass, jvmOptions, args, timeout);
	}

	/**
	 * Run a main class of this module in a JVM of its own, with or without the starter,
	 * and wait for it to end.
	 * @param variant with or without the starter
	 * @param mainClass the class whose {@code main} runs
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @param timeout how long at most
	 * @return what it printed
	 */
	static List<String> runToEnd(Variant variant, Class<?> mainClass, List<String> jvmOptions, List<String> args,
			Duration timeout) throws IOException, InterruptedException {
		Path directory = Files.createDirectories(Path.of("benchmarks", "target", "runs"));
		Path argFile = Files.createTempFile(directory, "bench", ".args");
		Files.writeString(argFile, "-cp \"" + variant.classpath() + "\"\n");
		Path log = Files.createTempFile(directory, mainClass.getSimpleName(), ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("@" + argFile);
		command.addAll(jvmOptions);
		command.add(mainClass.getName());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(
					mainClass.getSimpleName() + " did not end within " + timeout + " (log: " + log + ")");
		}
		List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IllegalStateException(mainClass.getSimpleName() + " exited with " + process.exitValue()
					+ " (log: " + log + ")\n" + String.join("\n", lines));
		}
		return lines;
	}

	/**
	 * Wait for a {@code BENCH-<name>=<value>} marker.
	 * @param name the marker name
	 * @param timeout how long at most
	 * @return the value
	 */
	String await(String name, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		String prefix = "BENCH-" + name + "=";
		while (true) {
			boolean exited = !this.process.isAlive();
			for (String line : lines()) {
				if (line.startsWith(prefix)) {
					return line.substring(prefix.length()).trim();
				}
			}
			if (exited || System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(this.variant + " run did not print " + prefix + " (log: " + this.log
						+ ")\n" + String.join("\n", lines()));
			}
			Thread.sleep(20);
		}
	}

	/**
	 * Check that the run is the variant it claims to be: a benchmark that compares the
	 * same thing twice must fail, not print a ratio of 1.
	 */
	void verifyVariant() throws InterruptedException {
		String expected = this.variant.graceful() + ":" + this.variant.graceful();
		String actual = await("GRACEFUL", Duration.ofSeconds(120));
		if (!expected.equals(actual)) {
			throw new IllegalStateException(this.variant + " run reports graceful present:active = " + actual);
		}
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private List<String> lines() {
		try {
			return Files.readAllLines(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
	}

	/**
	 * The application with the starter, or without it: the same classpath minus the
	 * graceful auto-configuration.
	 */
	enum Variant {

		WITH(true), WITHOUT(false);

		private final boolean graceful;

		Variant(boolean graceful) {
			this.graceful = graceful;
		}

		boolean graceful() {
			return this.graceful;
		}

		String classpath() {
			String classpath = System.getProperty("java.class.path");
			if (this.graceful) {
				return classpath;
			}
			List<String> kept = new ArrayList<>();
			for (String entry : classpath.split(java.io.File.pathSeparator)) {
				String normalized = entry.replace('\\', '/');
				if (!normalized.contains("graceful-spring-boot-autoconfigure")
						&& !normalized.endsWith("graceful-autoconfigure/target/classes")) {
					kept.add(entry);
				}
			}
			return String.join(java.io.File.pathSeparator, kept);
		}

		@Override
		public String toString() {
			return name().toLowerCase() + " starter";
		}

	}

}
