package io.graceful.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A JVM of its own running a main class: the {@code java} binary of the running JVM, a
 * classpath (this JVM's unless given) passed in an argument file so that a long one stays
 * off the command line, JVM options and program arguments. Its output (standard output
 * and error) goes to a file, directly or through a pump that also hands every line to a
 * listener; the file is kept for reading after a failure, and a caller waits on it for
 * marker lines. {@link #close()} stops it and every process it started.
 */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final Path log;

	private final String name;

	private final Duration stopOnClose;

	private final boolean echoOnClose;

	private ChildJvm(Process process, Path log, String name, Duration stopOnClose, boolean echoOnClose) {
		this.process = process;
		this.log = log;
		this.name = name;
		this.stopOnClose = stopOnClose;
		this.echoOnClose = echoOnClose;
	}

	/**
	 * The {@code java} binary of the running JVM.
	 * @return its path
	 */
	public static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * The classpath of the running JVM.
	 * @return the classpath
	 */
	public static String classpath() {
		return System.getProperty("java.class.path", "");
	}

	/**
	 * A child JVM that runs {@code mainClass}.
	 * @param mainClass the main class
	 * @return a builder
	 */
	public static Builder of(Class<?> mainClass) {
		return new Builder(mainClass.getName(), null, mainClass.getSimpleName());
	}

	/**
	 * A child JVM that runs a main class by name, e.g. one that is not on this JVM's
	 * classpath.
	 * @param mainClass the main class's fully qualified name
	 * @return a builder
	 */
	public static Builder of(String mainClass) {
		return new Builder(mainClass, null, mainClass.substring(mainClass.lastIndexOf('.') + 1));
	}

	/**
	 * A child JVM that runs an executable jar ({@code java -jar}, e.g. a Spring Boot
	 * application as it ships); the jar names its own classpath.
	 * @param jar the jar
	 * @return a builder
	 */
	public static Builder ofJar(Path jar) {
		String file = jar.getFileName().toString();
		return new Builder(null, jar, file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file);
	}

	/**
	 * The process.
	 * @return the process
	 */
	public Process process() {
		return this.process;
	}

	/**
	 * The file its output goes to.
	 * @return the log file
	 */
	public Path log() {
		return this.log;
	}

	/**
	 * Wait for a line matching a pattern.
	 * @param pattern the pattern (found anywhere in a line)
	 * @param timeout how long at most
	 * @return the first group of the match, or the whole match when the pattern has no
	 * group
	 * @throws IllegalStateException when the JVM exits or the time is up first, with its
	 * output
	 */
	public String awaitLine(String pattern, Duration timeout) {
		Pattern compiled = Pattern.compile(pattern);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			boolean exited = !this.process.isAlive();
			for (String line : lines()) {
				Matcher matcher = compiled.matcher(line);
				if (matcher.find()) {
					return (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group();
				}
			}
			if (exited) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue()
						+ " without printing " + pattern + " (log: " + this.log + "):\n" + output());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(this.name + " did not print " + pattern + " within " + timeout
						+ " (log: " + this.log + "):\n" + output());
			}
			ChildProcesses.pause(20); // a file has no way to signal a new line
		}
	}

	/**
	 * Count the lines that contain a text.
	 * @param text the text
	 * @return how many lines contain it
	 */
	public long count(String text) {
		return lines().stream().filter((line) -> line.contains(text)).count();
	}

	/**
	 * What it printed so far.
	 * @return the lines
	 */
	public List<String> lines() {
		try {
			return Files.readAllLines(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What it printed so far, as one text.
	 * @return the output
	 */
	public String output() {
		return String.join("\n", lines());
	}

	/**
	 * Send a signal with {@code kill}: a second SIGTERM after {@link Process#destroy()},
	 * or a signal Java has no method for ({@code HUP}).
	 * @param signal the signal's name without {@code SIG}
	 */
	public void signal(String signal) {
		ChildProcesses.signal(this.process, signal, false);
	}

	/**
	 * Wait until it exited.
	 * @param timeout how long at most
	 * @return whether it exited
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop it (and what it started) the way the builder said: SIGTERM with a bound, or
	 * SIGKILL; then print its output when asked to.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			if (this.stopOnClose.isZero()) {
				ChildProcesses.kill(this.process);
			}
			else {
				ChildProcesses.terminate(this.process, Math.max(1, this.stopOnClose.toSeconds()));
			}
		}
		if (this.echoOnClose) {
			System.out.println("---- " + this.name + " (pid " + this.process.pid() + ", output in " + this.log
					+ ") ----\n" + output());
		}
	}

	/**
	 * How to start a child JVM.
	 */
	public static final class Builder {

		private final @Nullable String mainClass;

		private final @Nullable Path jar;

		private final String name;

		private String classpath = ChildJvm.classpath();

		private final List<String> jvmOptions = new ArrayList<>();

		private final List<String> arguments = new ArrayList<>();

		private Path directory = Path.of("target", "child-jvms");

		private @Nullable Path log;

		private @Nullable Consumer<String> lineListener;

		private Duration stopOnClose = Duration.ZERO;

		private boolean echoOnClose;

		private Builder(@Nullable String mainClass, @Nullable Path jar, String name) {
			this.mainClass = mainClass;
			this.jar = jar;
			this.name = name;
		}

		/**
		 * The classpath, instead of this JVM's (not for a jar).
		 * @param classpath the classpath
		 * @return this builder
		 */
		public Builder classpath(String classpath) {
			this.classpath = classpath;
			return this;
		}

		/**
		 * Options of the JVM, before the main class.
		 * @param options the options
		 * @return this builder
		 */
		public Builder jvmOptions(List<String> options) {
			this.jvmOptions.addAll(options);
			return this;
		}

		/**
		 * Options of the JVM, before the main class.
		 * @param options the options
		 * @return this builder
		 */
		public Builder jvmOptions(String... options) {
			return jvmOptions(List.of(options));
		}

		/**
		 * Arguments of {@code main}.
		 * @param arguments the arguments
		 * @return this builder
		 */
		public Builder arguments(List<String> arguments) {
			this.arguments.addAll(arguments);
			return this;
		}

		/**
		 * The folder for the argument file and, unless {@link #log(Path)} names one, a
		 * new log file named after the main class ({@code target/child-jvms} by default).
		 * @param directory the folder
		 * @return this builder
		 */
		public Builder directory(Path directory) {
			this.directory = directory;
			return this;
		}

		/**
		 * The file the output is appended to.
		 * @param log the log file
		 * @return this builder
		 */
		public Builder log(Path log) {
			this.log = log;
			return this;
		}

		/**
		 * Pump the output through this JVM: every line is appended to the log file and
		 * then handed to the listener, on a thread of its own, as it is printed.
		 * @param listener gets every line
		 * @return this builder
		 */
		public Builder onLine(Consumer<String> listener) {
			this.lineListener = listener;
			return this;
		}

		/**
		 * How {@link ChildJvm#close()} stops a JVM that is still running: SIGTERM, then
		 * SIGKILL after this bound. Without it, close kills it at once (SIGKILL): for a
		 * test, one that still runs at the end has nothing left to show.
		 * @param bound how long it may take to exit after SIGTERM
		 * @return this builder
		 */
		public Builder stopOnClose(Duration bound) {
			this.stopOnClose = bound;
			return this;
		}

		/**
		 * Print the whole output to standard output on {@link ChildJvm#close()}, so that
		 * a test report shows it.
		 * @return this builder
		 */
		public Builder echoOnClose() {
			this.echoOnClose = true;
			return this;
		}

		/**
		 * Start the JVM.
		 * @return the running JVM
		 * @throws IOException if it cannot be started
		 */
		public ChildJvm start() throws IOException {
			Files.createDirectories(this.directory);
			Path log = (this.log != null) ? this.log : Files.createTempFile(this.directory, this.name, ".log");
			List<String> command = new ArrayList<>();
			command.add(java());
			if (this.jar != null) {
				command.addAll(this.jvmOptions);
				command.addAll(List.of("-jar", this.jar.toString()));
			}
			else {
				Path argFile = Files.createTempFile(this.directory, this.name, ".args");
				Files.writeString(argFile, "-cp \"" + this.classpath.replace("\\", "\\\\") + "\"\n");
				command.add("@" + argFile);
				command.addAll(this.jvmOptions);
				command.add(Objects.requireNonNull(this.mainClass));
			}
			command.addAll(this.arguments);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			Consumer<String> listener = this.lineListener;
			if (listener == null) {
				builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			}
			Process process = builder.start();
			if (listener != null) {
				Thread pump = new Thread(() -> pump(process, log, listener), this.name + "-output");
				pump.setDaemon(true);
				pump.start();
			}
			return new ChildJvm(process, log, this.name, this.stopOnClose, this.echoOnClose);
		}

		/**
		 * Start the JVM and wait for it to end.
		 * @param timeout how long it may take; it is killed after that
		 * @return what it printed
		 * @throws IOException if it cannot be started
		 * @throws InterruptedException if interrupted while waiting
		 * @throws IllegalStateException if it did not end in time or exited with a status
		 * other than 0, with its output
		 */
		public List<String> runToEnd(Duration timeout) throws IOException, InterruptedException {
			try (ChildJvm child = start()) {
				if (!child.awaitExit(timeout)) {
					throw new IllegalStateException(
							this.name + " did not end within " + timeout + " (log: " + child.log + ")");
				}
				List<String> lines = child.lines();
				if (child.process.exitValue() != 0) {
					throw new IllegalStateException(this.name + " exited with " + child.process.exitValue() + " (log: "
							+ child.log + ")\n" + String.join("\n", lines));
				}
				return lines;
			}
		}

		private static void pump(Process process, Path log, Consumer<String> listener) {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
					Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
							StandardOpenOption.APPEND)) {
				String line;
				while ((line = reader.readLine()) != null) {
					writer.write(line);
					writer.write(System.lineSeparator());
					writer.flush();
					listener.accept(line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		}

	}

}
