package io.graceful.autoconfigure.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Holds a web server's acceptance of new connections from the moment it binds its port
 * until the application is ready ({@link ReadinessState#ACCEPTING_TRAFFIC}, published
 * after the runners). With a hand-over, a successor shares the port with its predecessor
 * as soon as it binds, at the end of the context refresh; connections the kernel sends to
 * it before it is ready wait in its accept queue instead of meeting an application whose
 * runners have not run, and move to the predecessor if it closes its listener without
 * ever becoming ready (Linux, {@code net.ipv4.tcp_migrate_req=1}).
 *
 * @since 0.1.0
 */
public final class AcceptGate implements ApplicationListener<AvailabilityChangeEvent<?>>, Ordered {

	private final CountDownLatch open = new CountDownLatch(1);

	private final List<Runnable> onOpen = new ArrayList<>();

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			open();
		}
	}

	/**
	 * First among the listeners of the readiness change, so that a server accepts before
	 * the others (Spring Boot's availability state, a hand-over's notice to the
	 * predecessor) learn that the application is ready.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * Open the gate: waiting acceptors go on, and the actions registered run.
	 */
	public void open() {
		List<Runnable> actions;
		synchronized (this.onOpen) {
			if (this.open.getCount() == 0) {
				return;
			}
			this.open.countDown();
			actions = new ArrayList<>(this.onOpen);
			this.onOpen.clear();
		}
		actions.forEach(Runnable::run);
	}

	/**
	 * Whether the gate is open.
	 * @return whether the application became ready (or the gate was opened otherwise)
	 */
	public boolean isOpen() {
		return this.open.getCount() == 0;
	}

	/**
	 * Run an action when the gate opens, at once if it is open.
	 * @param action the action, for example resuming a server's acceptor
	 */
	public void whenOpen(Runnable action) {
		synchronized (this.onOpen) {
			if (this.open.getCount() != 0) {
				this.onOpen.add(action);
				return;
			}
		}
		action.run();
	}

	/**
	 * Wait until the gate opens.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void await() throws InterruptedException {
		this.open.await();
	}

}
