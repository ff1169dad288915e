package io.graceful.testsupport;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A child JVM: its output reaches the file (and the listener), a marker line is found, a
 * failing run says so with its output, and close leaves no process of its tree behind.
 */
class ChildJvmTests {

	@TempDir
	Path directory;

	@Test
	void printsToTheLogAndTheListenerAndPassesOptionsAndArguments() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		try (ChildJvm child = ChildJvm.of(Echo.class)
			.directory(this.directory)
			.jvmOptions("-Dchild.greeting=hello")
			.arguments(List.of("one", "two"))
			.onLine(seen::add)
			.start()) {
			assertThat(child.awaitLine("ARGS=(.*)", Duration.ofSeconds(60))).isEqualTo("one two");
			assertThat(child.awaitLine("GREETING=hello", Duration.ofSeconds(10))).isEqualTo("GREETING=hello");
			assertThat(child.awaitExit(Duration.ofSeconds(30))).isTrue();
			assertThat(child.count("ARGS=")).isEqualTo(1);
			assertThat(seen).contains("ARGS=one two", "GREETING=hello");
			assertThat(child.log()).startsWith(this.directory);
		}
	}

	@Test
	void awaitLineFailsWithTheOutputWhenTheJvmExitsWithoutIt() throws Exception {
		try (ChildJvm child = ChildJvm.of(Echo.class).directory(this.directory).start()) {
			assertThatIllegalStateException().isThrownBy(() -> child.awaitLine("NEVER", Duration.ofSeconds(60)))
				.withMessageContaining("exited with 0 without printing NEVER")
				.withMessageContaining("ARGS=");
		}
	}

	@Test
	void runToEndReturnsTheOutputOrFailsOnANonZeroExit() throws Exception {
		assertThat(ChildJvm.of(Echo.class)
			.directory(this.directory)
			.arguments(List.of("x"))
			.runToEnd(Duration.ofSeconds(60))).contains("ARGS=x");
		assertThatIllegalStateException()
			.isThrownBy(() -> ChildJvm.of(Echo.class)
				.directory(this.directory)
				.arguments(List.of("fail"))
				.runToEnd(Duration.ofSeconds(60)))
			.withMessageContaining("exited with 3");
	}

	@Test
	void closeStopsTheJvmAndTheProcessesItStarted() throws Exception {
		ProcessHandle sleeper;
		Process jvm;
		try (ChildJvm child = ChildJvm.of(Parent.class)
			.directory(this.directory)
			.stopOnClose(Duration.ofSeconds(5))
			.start()) {
			long pid = Long.parseLong(child.awaitLine("SLEEPER=(\\d+)", Duration.ofSeconds(60)));
			sleeper = ProcessHandle.of(pid).orElseThrow();
			jvm = child.process();
			assertThat(sleeper.isAlive()).isTrue();
		}
		assertThat(jvm.isAlive()).isFalse();
		assertThat(sleeper.onExit().get().isAlive()).isFalse();
	}

	@Test
	void theLogGivenIsAppendedTo() throws Exception {
		Path log = Files.writeString(this.directory.resolve("child.log"), "before\n");
		ChildJvm.of(Echo.class).directory(this.directory).log(log).runToEnd(Duration.ofSeconds(60));
		assertThat(Files.readAllLines(log)).first().isEqualTo("before");
		assertThat(Files.readAllLines(log)).anyMatch((line) -> line.startsWith("ARGS="));
	}

	@Test
	void anExecutableJarRunsWithItsOwnManifest() throws Exception {
		Path jar = this.directory.resolve("echo.jar");
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Echo.class.getName());
		String entry = Echo.class.getName().replace('.', '/') + ".class";
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
				InputStream in = Echo.class.getClassLoader().getResourceAsStream(entry)) {
			out.putNextEntry(new JarEntry(entry));
			in.transferTo(out);
		}
		assertThat(ChildJvm.ofJar(jar)
			.directory(this.directory)
			.jvmOptions("-Dchild.greeting=from-jar")
			.arguments(List.of("j"))
			.runToEnd(Duration.ofSeconds(60))).contains("ARGS=j", "GREETING=from-jar");
	}

	static final class Echo {

		public static void main(String[] args) {
			System.out.println("ARGS=" + String.join(" ", args));
			System.out.println("GREETING=" + System.getProperty("child.greeting"));
			if (args.length > 0 && args[0].equals("fail")) {
				System.exit(3);
			}
		}

	}

	static final class Parent {

		public static void main(String[] args) throws Exception {
			Process sleeper = new ProcessBuilder("sleep", "600").start();
			System.out.println("SLEEPER=" + sleeper.pid());
			Thread.sleep(600_000);
		}

	}

}
