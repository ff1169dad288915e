package io.graceful.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.graceful.testsupport.ChildJvm;

/**
 * One run of a main class of this module in a JVM of its own ({@link ChildJvm}), with or
 * without the graceful auto-configuration on its classpath, and the {@code BENCH-} lines
 * it prints. Output goes to {@code benchmarks/target/runs}.
 */
final class BenchJvm implements AutoCloseable {

	private static final Path RUNS = Path.of("benchmarks", "target", "runs");

	private final ChildJvm jvm;

	private final Variant variant;

	private BenchJvm(ChildJvm jvm, Variant variant) {
		this.jvm = jvm;
		this.variant = variant;
	}

	/**
	 * Start {@link BenchApplication}; {@link #close()} stops it with SIGTERM (SIGKILL
	 * after 30 s).
	 * @param variant with or without the starter
	 * @param jvmOptions options of the JVM
	 * @param args arguments of {@code main}
	 * @return the running application
	 */
	static BenchJvm start(Variant variant, List<String> jvmOptions, List<String> args) throws IOException {
		ChildJvm jvm = jvm(variant, BenchApplication.class, jvmOptions, args).stopOnClose(Duration.ofSeconds(30))
			.start();
		return new BenchJvm(jvm, variant);
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
		return jvm(variant, mainClass, jvmOptions, args).runToEnd(timeout);
	}

	private static ChildJvm.Builder jvm(Variant variant, Class<?> mainClass, List<String> jvmOptions,
			List<String> args) {
		return ChildJvm.of(mainClass)
			.classpath(variant.classpath())
			.directory(RUNS)
			.jvmOptions(jvmOptions)
			.arguments(args);
	}

	/**
	 * Wait for a {@code BENCH-<name>=<value>} marker.
	 * @param name the marker name
	 * @param timeout how long at most
	 * @return the value
	 */
	String await(String name, Duration timeout) {
		return this.jvm.awaitLine("^BENCH-" + Pattern.quote(name) + "=(.*)$", timeout).trim();
	}

	/**
	 * Check that the run is the variant it claims to be: a benchmark that compares the
	 * same thing twice must fail, not print a ratio of 1.
	 */
	void verifyVariant() {
		String expected = this.variant.graceful() + ":" + this.variant.graceful();
		String actual = await("GRACEFUL", Duration.ofSeconds(120));
		if (!expected.equals(actual)) {
			throw new IllegalStateException(this.variant + " run reports graceful present:active = " + actual);
		}
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.jvm.awaitExit(timeout);
	}

	@Override
	public void close() {
		this.jvm.close();
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
			String classpath = ChildJvm.classpath();
			if (this.graceful) {
				return classpath;
			}
			List<String> kept = new ArrayList<>();
			for (String entry : classpath.split(File.pathSeparator)) {
				String normalized = entry.replace('\\', '/');
				if (!normalized.contains("graceful-spring-boot-autoconfigure")
						&& !normalized.endsWith("graceful-autoconfigure/target/classes")) {
					kept.add(entry);
				}
			}
			return String.join(File.pathSeparator, kept);
		}

		@Override
		public String toString() {
			return name().toLowerCase() + " starter";
		}

	}

}
