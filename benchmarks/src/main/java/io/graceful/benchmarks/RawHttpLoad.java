package io.graceful.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop HTTP/1.1 load generator on plain keep-alive sockets: each thread sends
 * {@code GET} and reads the response on its own connection, again and again. It costs far
 * less CPU per request than a full HTTP client, so on a small machine most of the CPU
 * goes to the server being measured. Responses must be 200 with a Content-Length or
 * chunked body; anything else fails the round.
 */
final class RawHttpLoad {

	private RawHttpLoad() {
	}

	/**
	 * Run the load for a while.
	 * @param port the server's port on 127.0.0.1
	 * @param path the request path
	 * @param threads concurrent connections
	 * @param length how long
	 * @return the number of 200 responses
	 */
	static long run(int port, String path, int threads, Duration length) throws InterruptedException {
		byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
		LongAdder ok = new LongAdder();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicReference<Exception> failure = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(threads);
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> {
				Socket socket = null;
				try {
					while (!stop.get()) {
						if (socket == null) {
							socket = new Socket();
							socket.setTcpNoDelay(true);
							socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
							socket.setSoTimeout(10000);
						}
						OutputStream out = socket.getOutputStream();
						InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
						boolean keepAlive = true;
						while (keepAlive && !stop.get()) {
							out.write(request);
							out.flush();
							keepAlive = readResponse(in);
							ok.increment();
						}
						if (!keepAlive) {
							socket.close();
							socket = null;
						}
					}
				}
				catch (Exception ex) {
					failure.compareAndSet(null, ex);
				}
				finally {
					closeQuietly(socket);
					done.countDown();
				}
			}, "bench-load-" + i);
			thread.start();
		}
		Thread.sleep(length.toMillis());
		stop.set(true);
		done.await();
		if (failure.get() != null) {
			throw new IllegalStateException("load on port " + port + " failed", failure.get());
		}
		return ok.sum();
	}

	/**
	 * Read one response.
	 * @return whether the connection stays open
	 */
	private static boolean readResponse(InputStream in) throws IOException {
		String status = readLine(in);
		if (!status.startsWith("HTTP/1.1 200")) {
			throw new IOException("unexpected response: " + status);
		}
		long contentLength = -1;
		boolean chunked = false;
		boolean close = false;
		String line;
		while (!(line = readLine(in)).isEmpty()) {
			int colon = line.indexOf(':');
			String name = line.substring(0, colon).trim();
			String value = line.substring(colon + 1).trim();
			if (name.equalsIgnoreCase("Content-Length")) {
				contentLength = Long.parseLong(value);
			}
			else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
				chunked = true;
			}
			else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
				close = true;
			}
		}
		if (chunked) {
			long size;
			while ((size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) > 0) {
				skip(in, size);
				readLine(in);
			}
			while (!readLine(in).isEmpty()) {
				// trailers
			}
		}
		else if (contentLength >= 0) {
			skip(in, contentLength);
		}
		else {
			throw new IOException("response without length");
		}
		return !close;
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder(64);
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				int length = line.length();
				return (length > 0 && line.charAt(length - 1) == '\r') ? line.substring(0, length - 1)
						: line.toString();
			}
			line.append((char) b);
		}
		throw new IOException("connection closed by the server");
	}

	private static void skip(InputStream in, long bytes) throws IOException {
		long left = bytes;
		while (left > 0) {
			long skipped = in.skip(left);
			if (skipped <= 0) {
				if (in.read() == -1) {
					throw new IOException("connection closed in a body");
				}
				skipped = 1;
			}
			left -= skipped;
		}
	}

	private static void closeQuietly(Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// nothing to do
			}
		}
	}

}
