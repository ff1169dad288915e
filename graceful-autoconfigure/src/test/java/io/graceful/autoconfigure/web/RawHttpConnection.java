package io.graceful.autoconfigure.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/1.1 connection over a plain socket, so that a test sees what a client library
 * hides: the {@code Connection} header, and when and how the server closes the
 * connection.
 */
final class RawHttpConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private RawHttpConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setSoTimeout(10_000);
		this.in = socket.getInputStream();
		this.out = socket.getOutputStream();
	}

	static RawHttpConnection open(int port) throws IOException {
		return new RawHttpConnection(new Socket(InetAddress.getLoopbackAddress(), port));
	}

	/**
	 * Open an HTTP/1.1 connection over TLS, handshake done. The end of the stream is then
	 * the server's TLS close (close_notify, or the end of TCP without it).
	 * @param port the server's port
	 * @param tls a client context that trusts the server's certificate
	 */
	static RawHttpConnection openTls(int port, SSLContext tls) throws IOException {
		SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
		socket.setSoTimeout(10_000);
		socket.startHandshake();
		return new RawHttpConnection(socket);
	}

	/**
	 * Send a keep-alive GET and read its whole response.
	 */
	Response get(String path) throws IOException {
		send(path, "*/*");
		return readResponse();
	}

	void send(String path, String accept) throws IOException {
		String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n";
		this.out.write(request.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	Response readResponse() throws IOException {
		String statusLine = readLine();
		if (statusLine == null) {
			throw new IOException("Connection closed before a response");
		}
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, String> headers = readHeaders();
		String body;
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = readChunkedBody(null);
		}
		else {
			int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
			body = new String(this.in.readNBytes(length), StandardCharsets.UTF_8);
		}
		return new Response(status, headers, body);
	}

	/**
	 * Read the head of a streamed (chunked) response and its body up to the given text.
	 */
	Map<String, String> readStreamHeadUntil(String text) throws IOException {
		String statusLine = readLine();
		if (statusLine == null || !statusLine.contains(" 200 ")) {
			throw new IOException("Unexpected status line: " + statusLine);
		}
		Map<String, String> headers = readHeaders();
		StringBuilder seen = new StringBuilder();
		while (seen.indexOf(text) < 0) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Stream ended before '" + text + "': " + seen);
			}
			seen.append((char) b);
		}
		return headers;
	}

	/**
	 * Read a streamed response to its end: the last chunk or the end of the connection.
	 * @return the rest of the body as read
	 */
	String readStreamToEnd() throws IOException {
		ByteArrayOutputStream rest = new ByteArrayOutputStream();
		while (true) {
			int b = this.in.read();
			if (b < 0) {
				return rest.toString(StandardCharsets.UTF_8);
			}
			rest.write(b);
			if (rest.toString(StandardCharsets.UTF_8).endsWith("\r\n0\r\n\r\n")) {
				return rest.toString(StandardCharsets.UTF_8);
			}
		}
	}

	/**
	 * Block until the server closes the connection.
	 * @param timeout how long to wait
	 * @return the {@link System#nanoTime()} when the end of the stream was seen
	 * @throws IOException if data arrives instead, the connection is reset, or on timeout
	 */
	long awaitEndOfStream(Duration timeout) throws IOException {
		this.socket.setSoTimeout((int) timeout.toMillis());
		try {
			int b = this.in.read();
			long now = System.nanoTime();
			if (b >= 0) {
				throw new IOException("Expected the end of the stream, got data");
			}
			return now;
		}
		catch (SocketTimeoutException ex) {
			throw new IOException("The server did not close the connection within " + timeout, ex);
		}
	}

	private Map<String, String> readHeaders() throws IOException {
		Map<String, String> headers = new LinkedHashMap<>();
		String line;
		while ((line = readLine()) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		return headers;
	}

	private String readChunkedBody(String stopAt) throws IOException {
		StringBuilder body = new StringBuilder();
		while (true) {
			String sizeLine = readLine();
			int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
			if (size == 0) {
				readLine();
				return body.toString();
			}
			body.append(new String(this.in.readNBytes(size), StandardCharsets.UTF_8));
			readLine();
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) >= 0) {
			if (b == '\n') {
				String text = line.toString(StandardCharsets.US_ASCII);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.US_ASCII) : null;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	record Response(int status, Map<String, String> headers, String body) {

		boolean connectionClose() {
			return "close".equalsIgnoreCase(this.headers.get("connection"));
		}

	}

}
