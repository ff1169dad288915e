package io.graceful.autoconfigure.budget;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.ReflectionUtils;

/**
 * Native-image hints for the budget check's look at each lifecycle bean: whether its
 * class overrides {@link SmartLifecycle#stop(Runnable)} decides whether Spring may wait
 * for the phase timeout in its phase. The classes are the application's, known only at
 * build time, so the hints are registered per bean as the AOT engine processes it.
 */
class LifecycleStopHints implements BeanRegistrationAotProcessor {

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> type = registeredBean.getBeanClass();
		if (!SmartLifecycle.class.isAssignableFrom(type)) {
			return null;
		}
		return (generationContext, code) -> register(generationContext.getRuntimeHints(), type);
	}

	/**
	 * Register what {@code getMethod("stop", Runnable.class)} needs on a lifecycle class:
	 * the class, and the method where it is declared.
	 * @param hints the hints to add to
	 * @param type a {@link SmartLifecycle} class
	 */
	static void register(RuntimeHints hints, Class<?> type) {
		hints.reflection().registerType(type);
		Method stop = ReflectionUtils.findMethod(type, "stop", Runnable.class);
		if (stop != null) {
			hints.reflection().registerMethod(stop, ExecutableMode.INTROSPECT);
		}
	}

}
