package io.graceful.autoconfigure.testsupport;

import java.util.List;

import io.graceful.autoconfigure.core.BoundedStep;
import io.graceful.autoconfigure.core.ShutdownBound;

import org.springframework.context.ApplicationContext;

/**
 * Every bound a context declares, as the budget check reads them: the bound beans and the
 * built-in steps' own bounds.
 */
public final class Bounds {

	private Bounds() {
	}

	public static List<ShutdownBound> of(ApplicationContext context) {
		return ShutdownBound.all(context.getBeanProvider(ShutdownBound.class),
				context.getBeanProvider(BoundedStep.class));
	}

}
