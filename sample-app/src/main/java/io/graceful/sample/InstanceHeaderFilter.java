package io.graceful.sample;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds {@code X-Instance: <name>/<pid>} to every response, so a client (the rollout lab's
 * load generator) records which instance, and which run of it, answered each request;
 * behind an L4 balancer nothing else tells it. The name is {@code sample.instance} (the
 * lab passes {@code app-1}, {@code app-2}, ...), the application name by default.
 */
@Component
class InstanceHeaderFilter extends OncePerRequestFilter {

	static final String HEADER = "X-Instance";

	private final String value;

	InstanceHeaderFilter(@Value("${sample.instance:${spring.application.name}}") String name) {
		this.value = name + "/" + ProcessHandle.current().pid();
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader(HEADER, this.value);
		chain.doFilter(request, response);
	}

}
