package io.graceful.autoconfigure.requests;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Counts servlet requests in flight and, while withdrawing, marks HTTP/1.1 responses
 * {@code Connection: close}: at the start of a request and again when it returns
 * uncommitted, so that requests that began before the withdraw get it too.
 */
class RequestTrackingFilter implements Filter {

	private final InFlightRequests inFlightRequests;

	private final String managementBasePath;

	RequestTrackingFilter(InFlightRequests inFlightRequests, String managementBasePath) {
		this.inFlightRequests = inFlightRequests;
		this.managementBasePath = managementBasePath;
	}

	@Override
	public void doFilter(ServletRequest servletRequest, ServletResponse servletResponse, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest request = (HttpServletRequest) servletRequest;
		HttpServletResponse response = (HttpServletResponse) servletResponse;
		String path = request.getRequestURI();
		InFlightRequest inFlight = this.inFlightRequests.begin(request.getMethod(), path, isTraffic(path));
		markConnectionClose(request, response);
		boolean async = false;
		try {
			chain.doFilter(request, response);
			if (request.isAsyncStarted()) {
				request.getAsyncContext().addListener(new EndOnAsyncCompletion(inFlight));
				async = true;
			}
			else {
				markConnectionClose(request, response);
			}
		}
		finally {
			if (!async) {
				this.inFlightRequests.end(inFlight);
			}
		}
	}

	private boolean isTraffic(String path) {
		return this.managementBasePath == null || !path.startsWith(this.managementBasePath);
	}

	private void markConnectionClose(HttpServletRequest request, HttpServletResponse response) {
		if (this.inFlightRequests.isClosingConnections() && !response.isCommitted()
				&& request.getProtocol().startsWith("HTTP/1")
				&& !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
			response.setHeader("Connection", "close");
		}
	}

	private final class EndOnAsyncCompletion implements AsyncListener {

		private final InFlightRequest inFlight;

		private EndOnAsyncCompletion(InFlightRequest inFlight) {
			this.inFlight = inFlight;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			RequestTrackingFilter.this.inFlightRequests.end(this.inFlight);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
			RequestTrackingFilter.this.inFlightRequests.end(this.inFlight);
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this);
		}

	}

}
