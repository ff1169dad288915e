package io.graceful.autoconfigure.web;

import io.graceful.autoconfigure.core.InFlightRequest;
import io.graceful.autoconfigure.core.InFlightRequests;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Counts servlet requests in flight and, while withdrawing, marks HTTP/1.1 responses
 * {@code Connection: close}: at the start of a request, and, for a request that began
 * before the withdraw, when its body starts or it returns uncommitted. A response that
 * began before the withdraw and commits during it (Spring MVC's message converters flush
 * the body they write) must carry it too: its connection was busy at the withdraw's
 * start, may be too recently used at its end to be closed as idle, and a request the
 * client then sends on it would meet a paused server at the drain.
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
		boolean closesConnection = closesConnection(request);
		if (closesConnection && this.inFlightRequests.isClosingConnections()) {
			response.setHeader("Connection", "close");
		}
		else if (closesConnection) {
			response = new ConnectionCloseOnCommit(response);
		}
		boolean async = false;
		try {
			chain.doFilter(request, response);
			if (request.isAsyncStarted()) {
				request.getAsyncContext().addListener(new EndOnAsyncCompletion(inFlight));
				async = true;
			}
			else if (closesConnection) {
				markConnectionClose(response);
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

	private static boolean closesConnection(HttpServletRequest request) {
		return request.getProtocol().startsWith("HTTP/1")
				&& !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
	}

	private void markConnectionClose(HttpServletResponse response) {
		if (this.inFlightRequests.isClosingConnections() && !response.isCommitted()) {
			response.setHeader("Connection", "close");
		}
	}

	/**
	 * Marks the response {@code Connection: close} when its body starts, or it is sent,
	 * during the withdraw.
	 */
	private final class ConnectionCloseOnCommit extends HttpServletResponseWrapper {

		ConnectionCloseOnCommit(HttpServletResponse response) {
			super(response);
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			markConnectionClose(this);
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			markConnectionClose(this);
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			markConnectionClose(this);
			super.flushBuffer();
		}

		@Override
		public void sendError(int sc, String msg) throws IOException {
			markConnectionClose(this);
			super.sendError(sc, msg);
		}

		@Override
		public void sendError(int sc) throws IOException {
			markConnectionClose(this);
			super.sendError(sc);
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			markConnectionClose(this);
			super.sendRedirect(location);
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
