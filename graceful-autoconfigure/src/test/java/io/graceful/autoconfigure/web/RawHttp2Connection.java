package io.graceful.autoconfigure.web;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An HTTP/2 connection over a plain socket with prior knowledge (h2c), so that a test
 * sees the frames a client library hides: every GOAWAY with its last stream id and error
 * code. It acknowledges the server's SETTINGS and PINGs, as a client must.
 */
final class RawHttp2Connection implements AutoCloseable {

	static final int DATA = 0x0;

	static final int HEADERS = 0x1;

	static final int RST_STREAM = 0x3;

	static final int SETTINGS = 0x4;

	static final int PING = 0x6;

	static final int GOAWAY = 0x7;

	private static final int END_STREAM = 0x1;

	private static final int END_HEADERS = 0x4;

	private static final int ACK = 0x1;

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	/** Every GOAWAY received so far, in order. */
	final List<GoAway> goAways = new ArrayList<>();

	private RawHttp2Connection(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setSoTimeout(15_000);
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
		this.out.write(PREFACE);
		writeFrame(SETTINGS, 0, 0, new byte[0]);
	}

	static RawHttp2Connection open(int port) throws IOException {
		return new RawHttp2Connection(new Socket(InetAddress.getLoopbackAddress(), port));
	}

	/**
	 * Open a stream with a GET, headers only.
	 */
	void get(int streamId, String path) throws IOException {
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		block.write(0x82); // :method GET (static table 2)
		block.write(0x86); // :scheme http (static table 6)
		literal(block, 4, path); // :path, literal without indexing, name from static
									// table 4
		literal(block, 1, "127.0.0.1"); // :authority, static table 1
		writeFrame(HEADERS, END_STREAM | END_HEADERS, streamId, block.toByteArray());
	}

	/**
	 * Read frames until the stream ends, answering SETTINGS and PINGs and recording
	 * GOAWAYs.
	 * @return the response
	 */
	Response readResponse(int streamId) throws IOException {
		int status = -1;
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			Frame frame = readFrame();
			if (frame.streamId != streamId) {
				continue;
			}
			if (frame.type == RST_STREAM) {
				throw new IOException("Stream " + streamId + " reset with error " + readInt(frame.payload, 0));
			}
			if (frame.type == HEADERS) {
				status = status(frame.payload);
			}
			else if (frame.type == DATA) {
				body.write(frame.payload);
			}
			if ((frame.flags & END_STREAM) != 0 && (frame.type == HEADERS || frame.type == DATA)) {
				return new Response(status, body.toString(StandardCharsets.UTF_8), System.nanoTime());
			}
		}
	}

	/**
	 * Read frames until a GOAWAY arrives (or one already has, beyond those counted).
	 * @param count how many GOAWAYs to have in the end
	 */
	void awaitGoAways(int count) throws IOException {
		while (this.goAways.size() < count) {
			readFrame();
		}
	}

	private Frame readFrame() throws IOException {
		int length = (this.in.readUnsignedByte() << 16) | (this.in.readUnsignedByte() << 8)
				| this.in.readUnsignedByte();
		int type = this.in.readUnsignedByte();
		int flags = this.in.readUnsignedByte();
		int streamId = this.in.readInt() & 0x7fffffff;
		byte[] payload = new byte[length];
		this.in.readFully(payload);
		Frame frame = new Frame(type, flags, streamId, payload);
		if (type == SETTINGS && (flags & ACK) == 0) {
			writeFrame(SETTINGS, ACK, 0, new byte[0]);
		}
		else if (type == PING && (flags & ACK) == 0) {
			writeFrame(PING, ACK, 0, payload);
		}
		else if (type == GOAWAY) {
			this.goAways.add(new GoAway(readInt(payload, 0) & 0x7fffffff, readInt(payload, 4), System.nanoTime()));
		}
		return frame;
	}

	private static int status(byte[] block) throws IOException {
		int i = 0;
		while ((block[i] & 0xe0) == 0x20) {
			// a dynamic table size update: an integer with a 5-bit prefix
			if ((block[i++] & 0x1f) == 0x1f) {
				while ((block[i++] & 0x80) != 0) {
					// continuation bytes of the integer
				}
			}
		}
		int first = block[i] & 0xff;
		if ((first & 0x80) != 0) {
			return switch (first & 0x7f) {
				case 8 -> 200;
				case 9 -> 204;
				case 10 -> 206;
				case 11 -> 304;
				case 12 -> 400;
				case 13 -> 404;
				case 14 -> 500;
				default -> throw new IOException("Unexpected indexed status " + HexFormat.of().formatHex(block));
			};
		}
		if ((first & 0x0f) == 8 && (block[i + 1] & 0x80) == 0 && block[i + 1] == 3) {
			return Integer.parseInt(new String(block, i + 2, 3, StandardCharsets.US_ASCII));
		}
		throw new IOException("Unexpected status encoding " + HexFormat.of().formatHex(block));
	}

	private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
		block.write(nameIndex);
		block.write(bytes.length);
		block.writeBytes(bytes);
	}

	private synchronized void writeFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
		byte[] header = { (byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
				(byte) type, (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8),
				(byte) streamId };
		this.out.write(header);
		this.out.write(payload);
		this.out.flush();
	}

	private static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private record Frame(int type, int flags, int streamId, byte[] payload) {
	}

	/**
	 * A GOAWAY frame as received.
	 *
	 * @param lastStreamId its last stream id
	 * @param errorCode its error code (0 is NO_ERROR)
	 * @param receivedNanos when it was read, in {@link System#nanoTime()} terms
	 */
	record GoAway(int lastStreamId, int errorCode, long receivedNanos) {
	}

	/**
	 * A response as received.
	 *
	 * @param status the status
	 * @param body the body
	 * @param endedNanos when its last frame was read
	 */
	record Response(int status, String body, long endedNanos) {
	}

}
