package io.graceful.autoconfigure.web;

import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.AsyncHandlerMethodReturnValueHandler;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * Registers every {@link ResponseBodyEmitter} (and so every {@code SseEmitter}) a
 * controller returns as an open stream, then lets Spring MVC's own handler do its work.
 */
class StreamTrackingReturnValueHandler implements AsyncHandlerMethodReturnValueHandler {

	private final HandlerMethodReturnValueHandler delegate;

	private final OpenStreams openStreams;

	StreamTrackingReturnValueHandler(HandlerMethodReturnValueHandler delegate, OpenStreams openStreams) {
		this.delegate = delegate;
		this.openStreams = openStreams;
	}

	@Override
	public boolean supportsReturnType(MethodParameter returnType) {
		return this.delegate.supportsReturnType(returnType);
	}

	@Override
	public boolean isAsyncReturnValue(Object returnValue, MethodParameter returnType) {
		return (this.delegate instanceof AsyncHandlerMethodReturnValueHandler async)
				&& async.isAsyncReturnValue(returnValue, returnType);
	}

	@Override
	public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest) throws Exception {
		Object body = (returnValue instanceof ResponseEntity<?> entity) ? entity.getBody() : returnValue;
		if (body instanceof ResponseBodyEmitter emitter) {
			OpenStreams.Registration registration = this.openStreams.register(emitter::complete);
			emitter.onCompletion(registration::close);
			emitter.onError((ex) -> registration.close());
		}
		this.delegate.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
	}

}
