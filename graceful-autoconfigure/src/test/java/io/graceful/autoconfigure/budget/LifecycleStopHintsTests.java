package io.graceful.autoconfigure.budget;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LifecycleStopHints}, through a real AOT run of a context.
 */
class LifecycleStopHintsTests {

	@Test
	void anAotRunRegistersWhatTheBudgetCheckLooksUpOnEveryLifecycleBeanAndNothingForOtherBeans() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean("asynchronous", AsynchronousLifecycle.class);
		context.registerBean("synchronous", SynchronousLifecycle.class);
		context.registerBean("plain", Plain.class);
		TestGenerationContext generationContext = new TestGenerationContext();
		new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		RuntimeHints hints = generationContext.getRuntimeHints();

		assertThat(introspects(hints, stop(AsynchronousLifecycle.class))).as("its own stop(Runnable)").isTrue();
		assertThat(stop(SynchronousLifecycle.class).getDeclaringClass()).isEqualTo(SmartLifecycle.class);
		assertThat(introspects(hints, stop(SynchronousLifecycle.class))).as("the interface's stop(Runnable)").isTrue();
		assertThat(hints.reflection().getTypeHint(SynchronousLifecycle.class)).isNotNull();
		assertThat(new LifecycleStopHints().processAheadOfTime(RegisteredBean.of(context.getBeanFactory(), "plain")))
			.as("not a lifecycle bean")
			.isNull();
	}

	private static Method stop(Class<?> type) {
		Method stop = ReflectionUtils.findMethod(type, "stop", Runnable.class);
		assertThat(stop).isNotNull();
		return stop;
	}

	private static boolean introspects(RuntimeHints hints, Method method) {
		var type = hints.reflection().getTypeHint(TypeReference.of(method.getDeclaringClass()));
		return type != null && type.methods()
			.anyMatch((hint) -> hint.getName().equals(method.getName()) && hint.getMode() == ExecutableMode.INTROSPECT);
	}

	static class SynchronousLifecycle implements SmartLifecycle {

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	static class AsynchronousLifecycle extends SynchronousLifecycle {

		@Override
		public void stop(Runnable callback) {
			stop();
			callback.run();
		}

	}

	static class Plain {

	}

}
