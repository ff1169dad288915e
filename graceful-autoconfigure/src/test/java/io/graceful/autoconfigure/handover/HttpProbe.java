package io.graceful.autoconfigure.handover;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request on a new connection ({@code Connection: close}), read to the end:
 * each probe is a new connection, which the kernel places on one of the sockets bound to
 * the port.
 */
final class HttpProbe {

	private HttpProbe() {
	}

	/**
	 * Send {@code GET path} on a new connection.
	 * @param port the port on 127.0.0.1
	 * @param path the path
	 * @return the body, or {@code null} unless the status was 200
	 * @throws IOException if the connection fails
	 */
	static String get(int port, String path) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(10000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			InputStream input = socket.getInputStream();
			String response = new String(input.readAllBytes(), StandardCharsets.UTF_8);
			if (!response.startsWith("HTTP/1.1 200")) {
				return null;
			}
			String body = response.substring(response.indexOf("\r\n\r\n") + 4);
			if (response.toLowerCase().contains("transfer-encoding: chunked")) {
				// one chunk: size line, data
				String[] parts = body.split("\r\n");
				return (parts.length > 1) ? parts[1] : "";
			}
			return body;
		}
	}

}
