package io.graceful.autoconfigure.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A JVM of its own running a main class from the test classpath. Its output goes to a
 * file under {@code target/process-tests} (kept for reading after a failure) that a test
 * can wait on for marker lines and read as the log.
 */
final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final Path log;

	private ChildJvm(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Start {@code mainClass} with the classpath of this test JVM.
	 * @param mainClass the main class
	 * @param args the program arguments
	 * @return the running child
	 * @throws IOException if it cannot be started
	 */
	static ChildJvm start(Class<?> mainClass, List<String> args) throws IOException {
		Path directory = Files.createDirectories(Path.of("target", "process-tests"));
		Path argFile = Files.createTempFile(directory, "child-jvm", ".args");
		// an argument file keeps a long classpath off the command line
		Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
		Path log = Files.createTempFile(directory, mainClass.getSimpleName(), ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("@" + argFile);
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.add("-Xmx256m");
		command.add(mainClass.getName());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new ChildJvm(process, log);
	}

	Process process() {
		return this.process;
	}

	/**
	 * Wait for a line matching a pattern.
	 * @param pattern the pattern
	 * @param timeout how long at most
	 * @return the first group of the match, or the whole match without groups
	 */
	String awaitLine(String pattern, Duration timeout) {
		Pattern compiled = Pattern.compile(pattern);
		String[] found = new String[1];
		await().atMost(timeout).pollInterval(Duration.ofMillis(20)).alias("child output line " + pattern).until(() -> {
			boolean exited = !this.process.isAlive();
			for (String line : lines()) {
				Matcher matcher = compiled.matcher(line);
				if (matcher.find()) {
					found[0] = (matcher.groupCount() > 0) ? matcher.group(1) : matcher.group();
					return true;
				}
			}
			if (exited) {
				throw new IllegalStateException("child exited without printing " + pattern + ":\n" + output());
			}
			return false;
		});
		return found[0];
	}

	/**
	 * Count the lines that contain a text.
	 * @param text the text
	 * @return how many lines contain it
	 */
	long count(String text) {
		return lines().stream().filter((line) -> line.contains(text)).count();
	}

	List<String> lines() {
		try {
			return Files.readAllLines(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String output() {
		return String.join("\n", lines());
	}

	/**
	 * Send SIGTERM with {@code kill}, for a second signal after
	 * {@link Process#destroy()}.
	 * @throws Exception if {@code kill} fails
	 */
	void sigterm() throws Exception {
		Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(this.process.pid())).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IllegalStateException("kill -TERM " + this.process.pid() + " failed");
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		System.out.println("---- child JVM " + this.process.pid() + " output (" + this.log + ") ----\n" + output());
	}

}
