package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.graceful.autoconfigure.core.InFlightRequests;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * What graceful's servlet filter adds to one request: the filter around a chain that does
 * nothing, against the chain alone. Run with {@code ./bench jmh} (all JMH options can
 * follow, e.g. {@code ./bench jmh -t 2}). In the package of the filter because the filter
 * is not public.
 * <p>
 * {@code withdrawing=true} measures the filter while it marks responses
 * {@code Connection: close} (the response stays uncommitted, so every invocation sets the
 * header again, as on a fresh response).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class RequestTrackingFilterBenchmark {

	private static final InFlightRequests SHARED = new InFlightRequests();

	@Param({ "false", "true" })
	public boolean withdrawing;

	private RequestTrackingFilter filter;

	private MockHttpServletRequest request;

	private MockHttpServletResponse response;

	private FilterChain chain;

	@Setup
	public void setUp(Blackhole blackhole) {
		// one set for all threads, as in a server: -t N measures the contention on it
		if (this.withdrawing) {
			SHARED.startClosingConnections();
		}
		else {
			SHARED.stopClosingConnections();
		}
		this.filter = new RequestTrackingFilter(SHARED, "/actuator");
		this.request = new MockHttpServletRequest("GET", "/hello");
		this.request.setProtocol("HTTP/1.1");
		this.response = new MockHttpServletResponse();
		this.chain = new ConsumingChain(blackhole);
	}

	@Benchmark
	public void chainAlone() throws IOException, ServletException {
		this.chain.doFilter(this.request, this.response);
	}

	@Benchmark
	public void withTrackingFilter() throws IOException, ServletException {
		this.filter.doFilter(this.request, this.response, this.chain);
	}

	private static final class ConsumingChain implements FilterChain {

		private final Blackhole blackhole;

		private ConsumingChain(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response) {
			this.blackhole.consume(request);
		}

	}

}
