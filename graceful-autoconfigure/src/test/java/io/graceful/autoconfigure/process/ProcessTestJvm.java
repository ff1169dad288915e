package io.graceful.autoconfigure.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.graceful.testsupport.ChildJvm;

/**
 * The process tests' child JVM: a main class from the test classpath on a small heap, its
 * output in a file under {@code target/process-tests} (kept for reading after a failure)
 * and printed when the test closes it.
 */
final class ProcessTestJvm {

	private ProcessTestJvm() {
	}

	static ChildJvm start(Class<?> mainClass, List<String> args) throws IOException {
		return ChildJvm.of(mainClass)
			.directory(Path.of("target", "process-tests"))
			.jvmOptions("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
			.arguments(args)
			.echoOnClose()
			.start();
	}

}
