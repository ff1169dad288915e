package io.graceful.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of an instance's structured console log (Spring Boot's
 * {@code logging.structured.format.console=logstash}: one JSON object per line, the
 * starter's key-value pairs as top-level fields). The lab reads the starter's step events
 * from these fields ({@code graceful.step.*}, {@code graceful.shutdown.*}), not from the
 * sentences, which are for people.
 */
final class LogLine {

	private final Map<String, Object> fields;

	private LogLine(Map<String, Object> fields) {
		this.fields = fields;
	}

	/**
	 * Reads a line: a JSON object, or, for a line that is not one (a JVM warning, a stack
	 * trace line), a line whose message is the text.
	 */
	static LogLine parse(String line) {
		if (line.startsWith("{")) {
			try {
				Object value = new Parser(line).value();
				if (value instanceof Map<?, ?> map) {
					@SuppressWarnings("unchecked")
					Map<String, Object> fields = (Map<String, Object>) map;
					return new LogLine(fields);
				}
			}
			catch (IllegalArgumentException ex) {
				// not JSON after all: keep it as text
			}
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("message", line);
		return new LogLine(fields);
	}

	String message() {
		return text("message");
	}

	String text(String field) {
		Object value = this.fields.get(field);
		return (value != null) ? value.toString() : "";
	}

	/** A number field, NaN when absent. */
	double number(String field) {
		return (this.fields.get(field) instanceof Number number) ? number.doubleValue() : Double.NaN;
	}

	/** Whether this is the given event of the given step ({@code graceful.step.*}). */
	boolean isStep(String step, String event) {
		return step.equals(text("graceful.step.name")) && event.equals(text("graceful.step.event"));
	}

	/**
	 * The number fields whose names start with a prefix, by the rest of their name: for
	 * example {@code cuts("graceful.step.cut.")} gives {@code requests=2}.
	 */
	Map<String, Long> numbers(String prefix) {
		Map<String, Long> numbers = new LinkedHashMap<>();
		this.fields.forEach((name, value) -> {
			if (name.startsWith(prefix) && value instanceof Number number) {
				numbers.put(name.substring(prefix.length()), number.longValue());
			}
		});
		return numbers;
	}

	/** The line as people read it: time, level, logger and message. */
	String human() {
		if (!this.fields.containsKey("@timestamp")) {
			return message();
		}
		StringBuilder line = new StringBuilder().append(text("@timestamp"))
			.append(' ')
			.append(String.format("%5s", text("level")))
			.append(" [")
			.append(text("thread_name"))
			.append("] ")
			.append(text("logger_name"))
			.append(" : ")
			.append(message());
		if (this.fields.containsKey("stack_trace")) {
			line.append('\n').append(text("stack_trace").stripTrailing());
		}
		return line.toString();
	}

	/** Just enough JSON for one log line: objects, arrays, strings, numbers, literals. */
	private static final class Parser {

		private final String text;

		private int at;

		Parser(String text) {
			this.text = text;
		}

		Object value() {
			skipSpace();
			if (this.at >= this.text.length()) {
				throw new IllegalArgumentException("Unexpected end");
			}
			char c = this.text.charAt(this.at);
			return switch (c) {
				case '{' -> object();
				case '[' -> array();
				case '"' -> string();
				case 't' -> literal("true", Boolean.TRUE);
				case 'f' -> literal("false", Boolean.FALSE);
				case 'n' -> literal("null", null);
				default -> number();
			};
		}

		private Map<String, Object> object() {
			Map<String, Object> object = new LinkedHashMap<>();
			this.at++;
			skipSpace();
			if (peek() == '}') {
				this.at++;
				return object;
			}
			while (true) {
				skipSpace();
				String name = string();
				skipSpace();
				expect(':');
				object.put(name, value());
				skipSpace();
				if (peek() == ',') {
					this.at++;
					continue;
				}
				expect('}');
				return object;
			}
		}

		private java.util.List<Object> array() {
			java.util.List<Object> array = new java.util.ArrayList<>();
			this.at++;
			skipSpace();
			if (peek() == ']') {
				this.at++;
				return array;
			}
			while (true) {
				array.add(value());
				skipSpace();
				if (peek() == ',') {
					this.at++;
					continue;
				}
				expect(']');
				return array;
			}
		}

		private String string() {
			expect('"');
			StringBuilder string = new StringBuilder();
			while (true) {
				char c = next();
				if (c == '"') {
					return string.toString();
				}
				if (c != '\\') {
					string.append(c);
					continue;
				}
				char escaped = next();
				switch (escaped) {
					case 'n' -> string.append('\n');
					case 't' -> string.append('\t');
					case 'r' -> string.append('\r');
					case 'b' -> string.append('\b');
					case 'f' -> string.append('\f');
					case 'u' -> {
						if (this.at + 4 > this.text.length()) {
							throw new IllegalArgumentException("Bad escape");
						}
						string.append((char) Integer.parseInt(this.text.substring(this.at, this.at + 4), 16));
						this.at += 4;
					}
					default -> string.append(escaped);
				}
			}
		}

		private Number number() {
			int start = this.at;
			while (this.at < this.text.length() && "+-0123456789.eE".indexOf(this.text.charAt(this.at)) >= 0) {
				this.at++;
			}
			String number = this.text.substring(start, this.at);
			if (number.isEmpty()) {
				throw new IllegalArgumentException("Unexpected character at " + start);
			}
			return (number.contains(".") || number.contains("e") || number.contains("E")) ? Double.valueOf(number)
					: Long.valueOf(number);
		}

		private Object literal(String word, Object value) {
			if (!this.text.startsWith(word, this.at)) {
				throw new IllegalArgumentException("Unexpected literal at " + this.at);
			}
			this.at += word.length();
			return value;
		}

		private void skipSpace() {
			while (this.at < this.text.length() && Character.isWhitespace(this.text.charAt(this.at))) {
				this.at++;
			}
		}

		private char peek() {
			if (this.at >= this.text.length()) {
				throw new IllegalArgumentException("Unexpected end");
			}
			return this.text.charAt(this.at);
		}

		private char next() {
			char c = peek();
			this.at++;
			return c;
		}

		private void expect(char c) {
			if (next() != c) {
				throw new IllegalArgumentException("Expected '" + c + "' at " + (this.at - 1));
			}
		}

	}

}
