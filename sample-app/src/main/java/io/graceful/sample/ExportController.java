package io.graceful.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /export?kb=N}: N KiB of text with a Content-Length, written from the request
 * thread in 8 KiB chunks, so a client that reads slowly holds the worker thread (the
 * lab's {@code slow-client} fault).
 */
@RestController
class ExportController {

	static final int MAX_KB = 64 * 1024;

	@GetMapping("/export")
	void export(@RequestParam(defaultValue = "1024") int kb, HttpServletResponse response) throws IOException {
		if (kb < 1 || kb > MAX_KB) {
			throw new InvalidFieldException("kb", "must be 1 to " + MAX_KB);
		}
		byte[] chunk = new byte[8 * 1024];
		Arrays.fill(chunk, (byte) 'x');
		response.setContentType("text/plain");
		response.setContentLengthLong(kb * 1024L);
		OutputStream out = response.getOutputStream();
		long left = kb * 1024L;
		while (left > 0) {
			int n = (int) Math.min(chunk.length, left);
			out.write(chunk, 0, n);
			left -= n;
		}
		out.flush();
	}

}
