package io.graceful.autoconfigure.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitterReturnValueHandler;

/**
 * Puts a {@link StreamTrackingReturnValueHandler} around Spring MVC's emitter handler.
 */
class StreamTrackingPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<OpenStreams> openStreams;

	StreamTrackingPostProcessor(ObjectProvider<OpenStreams> openStreams) {
		this.openStreams = openStreams;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
			List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
			for (HandlerMethodReturnValueHandler handler : adapter.getReturnValueHandlers()) {
				handlers.add((handler instanceof ResponseBodyEmitterReturnValueHandler)
						? new StreamTrackingReturnValueHandler(handler, this.openStreams.getObject()) : handler);
			}
			adapter.setReturnValueHandlers(handlers);
		}
		return bean;
	}

}
