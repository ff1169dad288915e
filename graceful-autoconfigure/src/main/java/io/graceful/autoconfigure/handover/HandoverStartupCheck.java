package io.graceful.autoconfigure.handover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The startup checks of a hand-over: {@code server.port=0} fails (a successor could not
 * find the port), an operating system other than Linux fails (its {@code SO_REUSEPORT}
 * does not balance new connections between the sockets of one port, or does not exist),
 * and {@code net.ipv4.tcp_migrate_req=0} is logged as a warning with what it costs.
 */
class HandoverStartupCheck implements InitializingBean {

	static final String MIGRATE_REQ = "/proc/sys/net/ipv4/tcp_migrate_req";

	private static final Log logger = LogFactory.getLog(HandoverStartupCheck.class);

	private final Environment environment;

	private final String osName;

	private final Path migrateReq;

	HandoverStartupCheck(Environment environment, String osName, Path migrateReq) {
		this.environment = environment;
		this.osName = osName;
		this.migrateReq = migrateReq;
	}

	@Override
	public void afterPropertiesSet() {
		Integer port = this.environment.getProperty("server.port", Integer.class);
		if (port != null && port == 0) {
			throw new InvalidConfigurationPropertyValueException("server.port", "0",
					"graceful.handover.enabled=true needs a fixed port: a successor binds the same port, "
							+ "and with 0 every instance gets a random one");
		}
		if (!this.osName.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
			throw new HandoverNotSupportedException(this.osName);
		}
		String value = readMigrateReq();
		if ("0".equals(value)) {
			logger.warn("Hand-over: net.ipv4.tcp_migrate_req is 0, so connections still in this instance's accept "
					+ "queue when it closes its listening socket are reset instead of moving to the successor; "
					+ "under load a hand-over then fails a few requests. Set it to 1 "
					+ "(sysctl -w net.ipv4.tcp_migrate_req=1, per network namespace)");
		}
		else if (value == null) {
			logger.warn("Hand-over: could not read " + this.migrateReq + " (Linux before 5.14?): connections still in "
					+ "this instance's accept queue when it closes its listening socket may be reset instead of "
					+ "moving to the successor");
		}
	}

	private String readMigrateReq() {
		try {
			return Files.readString(this.migrateReq).trim();
		}
		catch (IOException ex) {
			return null;
		}
	}

}
