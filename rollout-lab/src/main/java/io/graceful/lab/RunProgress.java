package io.graceful.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a run is doing now (its phase), printed every 2 s while it runs unless
 * {@code --quiet}: {@code [label  elapsed] phase | counts}. Shared by the rolling runs
 * ({@link ScenarioRun}) and the hand-over runs ({@link HandoverRun}).
 */
final class RunProgress {

	private final String label;

	private final boolean quiet;

	private final Supplier<String> counts;

	private volatile String phase = "starting";

	private volatile double startedAt;

	private Thread printer;

	/**
	 * @param label the run's label
	 * @param quiet whether nothing is printed
	 * @param counts what the load did so far, appended to each line
	 */
	RunProgress(String label, boolean quiet, Supplier<String> counts) {
		this.label = label;
		this.quiet = quiet;
		this.counts = counts;
	}

	/**
	 * The counts of an HTTP load, or nothing before it started.
	 * @param load the load, or {@code null}
	 * @return {@code " | sent n ok n failed n in flight n"} or {@code ""}
	 */
	static String counts(LoadGenerator load) {
		return (load != null) ? String.format(" | sent %d ok %d failed %d in flight %d", load.sent.get(), load.ok.get(),
				load.failed.get(), load.inFlight()) : "";
	}

	/** Starts the clock and the printer, and creates the run's folder. */
	void start(Path dir) {
		this.startedAt = LabClock.now();
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.printer = new Thread(this::print, "lab-progress");
		this.printer.setDaemon(true);
		this.printer.start();
	}

	void phase(String phase) {
		this.phase = phase;
	}

	/** Enters a phase and waits through it. */
	void pause(String phase, Duration duration) {
		this.phase = phase;
		pause(duration);
	}

	/** Waits, in the current phase. */
	void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** Ends the run: the printer stops. */
	void end() {
		this.phase = null;
		if (this.printer != null) {
			this.printer.interrupt();
		}
	}

	private void print() {
		while (this.phase != null && !Thread.currentThread().isInterrupted()) {
			try {
				Thread.sleep(2000);
			}
			catch (InterruptedException ex) {
				return;
			}
			String phase = this.phase;
			if (phase == null || this.quiet) {
				continue;
			}
			System.out.printf("[%s %6.1fs] %s%s%n", this.label, (LabClock.now() - this.startedAt) / 1000, phase,
					this.counts.get());
		}
	}

}
