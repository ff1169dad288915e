package io.graceful.autoconfigure.process;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection on a raw socket, so that a test sees exactly what
 * the server does with it: the {@code Connection: close} header, a 503, a reset, a close
 * while idle.
 */
final class KeepAliveConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream input;

	private KeepAliveConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.input = new BufferedInputStream(socket.getInputStream());
	}

	static KeepAliveConnection open(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		socket.setSoTimeout(15000);
		return new KeepAliveConnection(socket);
	}

	/**
	 * Send {@code GET path} and read the response.
	 * @param path the path
	 * @return the response
	 * @throws IOException if the connection fails, or closes before a full response
	 */
	Response get(String path) throws IOException {
		send(path);
		return read();
	}

	void send(String path) throws IOException {
		this.socket.getOutputStream()
			.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
	}

	Response read() throws IOException {
		String statusLine = line();
		if (statusLine == null) {
			throw new EofException();
		}
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		boolean close = false;
		int length = -1;
		boolean chunked = false;
		String header;
		while ((header = line()) != null && !header.isEmpty()) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("connection:") && lower.contains("close")) {
				close = true;
			}
			else if (lower.startsWith("content-length:")) {
				length = Integer.parseInt(lower.substring("content-length:".length()).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		if (header == null) {
			throw new EofException();
		}
		String body;
		if (chunked) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			while (true) {
				String size = line();
				if (size == null) {
					throw new EofException();
				}
				int n = Integer.parseInt(size.trim(), 16);
				if (n == 0) {
					line();
					break;
				}
				out.write(this.input.readNBytes(n));
				line();
			}
			body = out.toString(StandardCharsets.UTF_8);
		}
		else if (length >= 0) {
			body = new String(this.input.readNBytes(length), StandardCharsets.UTF_8);
		}
		else {
			body = new String(this.input.readAllBytes(), StandardCharsets.UTF_8);
			close = true;
		}
		return new Response(status, close, body);
	}

	/**
	 * Wait for the server to close the connection while it carries no request.
	 * @return whether it was closed (end of stream or reset), not timed out
	 */
	boolean awaitClosedByServer() {
		try {
			return this.input.read() == -1;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	private String line() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int b;
		while ((b = this.input.read()) != -1) {
			if (b == '\n') {
				String line = out.toString(StandardCharsets.US_ASCII);
				return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
			}
			out.write(b);
		}
		return (out.size() > 0) ? out.toString(StandardCharsets.US_ASCII) : null;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	record Response(int status, boolean connectionClose, String body) {
	}

	/**
	 * The server closed the connection before a full response.
	 */
	static final class EofException extends IOException {

		EofException() {
			super("connection closed before a full response");
		}

	}

}
