package io.graceful.autoconfigure.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP relay on 127.0.0.1 in front of a server that tells the test when a client closed
 * a connection: a client library does not say when it dropped one. Each client connection
 * gets its own connection to the server, so the server sees a distinct remote port per
 * client connection.
 */
final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int target;

	private final List<Link> links = new CopyOnWriteArrayList<>();

	private TcpProxy(int target) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.target = target;
		Thread acceptor = new Thread(this::accept, "test-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	static TcpProxy start(int target) throws IOException {
		return new TcpProxy(target);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * @return the client connections accepted so far, in order
	 */
	List<Link> links() {
		return this.links;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.target);
				Link link = new Link(client, upstream);
				this.links.add(link);
				pump(client, upstream, link, true);
				pump(upstream, client, link, false);
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	/**
	 * Relay one direction. The side that ended the connection is the one whose read ended
	 * first (end of stream or reset); a failed write is the other side's doing.
	 */
	private static void pump(Socket from, Socket to, Link link, boolean fromClient) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			boolean readEnded = false;
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				while (true) {
					int read;
					try {
						read = in.read(buffer);
					}
					catch (IOException ex) {
						read = -1;
					}
					if (read == -1) {
						readEnded = true;
						break;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
				to.shutdownOutput();
			}
			catch (IOException ex) {
				// the other side is gone
			}
			finally {
				if (readEnded) {
					link.ended(fromClient);
				}
			}
		}, "test-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.links.forEach(Link::close);
	}

	/**
	 * One client connection and its connection to the server.
	 */
	static final class Link {

		final CountDownLatch clientClosed = new CountDownLatch(1);

		/** Counted down when either side ended the connection first. */
		final CountDownLatch ended = new CountDownLatch(1);

		volatile long clientClosedNanos;

		/** Whether the server ended the connection (then the client did not). */
		volatile boolean serverClosed;

		private final Socket client;

		private final Socket upstream;

		private Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		private synchronized void ended(boolean byClient) {
			this.ended.countDown();
			if (byClient && !this.serverClosed && this.clientClosed.getCount() > 0) {
				this.clientClosedNanos = System.nanoTime();
				this.clientClosed.countDown();
			}
			else if (!byClient && this.clientClosed.getCount() > 0) {
				this.serverClosed = true;
			}
		}

		void close() {
			try {
				this.client.close();
				this.upstream.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}

	}

}
