package io.graceful.autoconfigure.budget;

import java.lang.reflect.Method;

import io.graceful.autoconfigure.budget.ShutdownBudgetAutoConfigurationTests.AsyncLifecycle;
import io.graceful.autoconfigure.budget.ShutdownBudgetAutoConfigurationTests.SyncLifecycle;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LifecycleStopHints}, through a real AOT run of a context.
 */
class LifecycleStopHintsTests {

	@Test
	void anAotRunRegistersWhatTheBudgetCheckLooksUpOnEveryLifecycleBeanAndNothingForOtherBeans() {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBeanDefinition("asynchronous", lifecycle(AsyncLifecycle.class));
		context.registerBeanDefinition("synchronous", lifecycle(SyncLifecycle.class));
		context.registerBean("plain", Plain.class);
		// spring-core's own context, not spring-core-test's: the compatibility cells
		// compile these tests without it
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(LifecycleStopHintsTests.class)), new InMemoryGeneratedFiles());
		new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		RuntimeHints hints = generationContext.getRuntimeHints();

		assertThat(introspects(hints, stop(AsyncLifecycle.class))).as("its own stop(Runnable)").isTrue();
		assertThat(stop(SyncLifecycle.class).getDeclaringClass()).isEqualTo(SmartLifecycle.class);
		assertThat(introspects(hints, stop(SyncLifecycle.class))).as("the interface's stop(Runnable)").isTrue();
		assertThat(hints.reflection().getTypeHint(SyncLifecycle.class)).isNotNull();
		assertThat(new LifecycleStopHints().processAheadOfTime(RegisteredBean.of(context.getBeanFactory(), "plain")))
			.as("not a lifecycle bean")
			.isNull();
	}

	private static BeanDefinition lifecycle(Class<?> type) {
		return BeanDefinitionBuilder.rootBeanDefinition(type).addConstructorArgValue(100).getBeanDefinition();
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

	static class Plain {

	}

}
