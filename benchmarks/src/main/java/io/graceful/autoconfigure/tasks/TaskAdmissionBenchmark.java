package io.graceful.autoconfigure.tasks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.ShutdownReport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * What tracking and shutdown-safe admission add to one task: decorating it at submission
 * and running the decorated task, against running the task alone. {@code admission}
 * {@code none} is today's tracking without an admission policy, {@code off} and
 * {@code during-shutdown} (the default, while the application runs) skip the estimate,
 * {@code shutdown-safe} computes it on every submission. Run with
 * {@code ./bench jmh TaskAdmissionBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class TaskAdmissionBenchmark {

	@Param({ "none", "off", "during-shutdown", "shutdown-safe" })
	public String admission;

	private TaskTracker tracker;

	private ThreadPoolTaskExecutor executor;

	private Runnable task;

	@Setup
	public void setUp(Blackhole blackhole) {
		this.executor = new ThreadPoolTaskExecutor();
		this.executor.setCorePoolSize(2);
		this.executor.initialize();
		this.tracker = new TaskTracker("benchmarkExecutor", this.executor, null, new Signal());
		if (!this.admission.equals("none")) {
			BackgroundWorkProperties.Admission mode = BackgroundWorkProperties.Admission
				.valueOf(this.admission.toUpperCase().replace('-', '_'));
			this.tracker.admitWith(new TaskAdmission(new ShutdownReport(), mode, Duration.ofSeconds(13)));
		}
		this.tracker.recordRun(TimeUnit.MILLISECONDS.toNanos(20));
		this.task = () -> blackhole.consume(this);
	}

	@TearDown
	public void tearDown() {
		this.executor.shutdown();
	}

	@Benchmark
	public void taskAlone() {
		this.task.run();
	}

	@Benchmark
	public void trackedTask() {
		this.tracker.decorate(this.task).run();
	}

}
