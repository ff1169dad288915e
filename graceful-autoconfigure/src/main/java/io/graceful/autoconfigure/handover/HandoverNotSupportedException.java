package io.graceful.autoconfigure.handover;

/**
 * Thrown at startup when hand-over is enabled on an operating system whose
 * {@code SO_REUSEPORT} does not balance new connections between the sockets of one port.
 *
 * @since 0.1.0
 */
public class HandoverNotSupportedException extends RuntimeException {

	private final String osName;

	HandoverNotSupportedException(String osName) {
		super("graceful.handover.enabled=true needs Linux; this is " + osName);
		this.osName = osName;
	}

	/**
	 * The operating system found.
	 * @return its name ({@code os.name})
	 */
	public String getOsName() {
		return this.osName;
	}

}
