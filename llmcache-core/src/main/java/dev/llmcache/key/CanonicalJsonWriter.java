package dev.llmcache.key;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Writes JSON text without insignificant whitespace, as UTF-8 bytes, into a {@link Sink}: the
 * syntax half of the canonical form. Callers are responsible for writing object members in sorted
 * order and for the canonical text of numbers.
 *
 * <p>Strings are escaped minimally and identically on every JDK: {@code "} and {@code \}, the
 * short escapes for {@code \b \f \n \r \t}, {@code \}{@code u00xx} for other control characters,
 * and {@code \}{@code uxxxx} for unpaired surrogates, which have no UTF-8 encoding (the JDK's
 * encoder would turn them all into the same {@code ?}). Everything else is written as UTF-8.
 *
 * <p>Not thread-safe: one writer builds one canonical form.
 */
final class CanonicalJsonWriter {

	private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static final int BUFFER_SIZE = 512;

	// Room for the longest single write: an escaped character is at most 6 bytes.
	private static final int MAX_CHAR_BYTES = 6;

	private final Sink sink;

	private final byte[] buffer = new byte[BUFFER_SIZE];

	private int position;

	// Per open container: whether a value was written, so the next one needs a comma.
	private boolean[] hasValue = new boolean[16];

	private int level;

	private boolean afterName;

	CanonicalJsonWriter(Sink sink) {
		this.sink = sink;
	}

	void beginObject() {
		beforeValue();
		put((byte) '{');
		push();
	}

	void endObject() {
		this.level--;
		put((byte) '}');
	}

	void beginArray() {
		beforeValue();
		put((byte) '[');
		push();
	}

	void endArray() {
		this.level--;
		put((byte) ']');
	}

	/**
	 * Writes an object member's name; the next call must write its value.
	 */
	void name(String name) {
		beforeValue();
		quoted(name);
		put((byte) ':');
		this.afterName = true;
	}

	void nullValue() {
		beforeValue();
		ascii("null");
	}

	void booleanValue(boolean value) {
		beforeValue();
		ascii(value ? "true" : "false");
	}

	void numberValue(long value) {
		beforeValue();
		ascii(Long.toString(value));
	}

	/**
	 * @param canonicalNumber the number's canonical text, ASCII digits, sign and point only
	 */
	void numberValue(String canonicalNumber) {
		beforeValue();
		ascii(canonicalNumber);
	}

	void stringValue(CharSequence value) {
		beforeValue();
		quoted(value);
	}

	/**
	 * Writes a value rendered by another writer.
	 */
	void rawValue(byte[] canonicalJson) {
		beforeValue();
		write(canonicalJson, 0, canonicalJson.length);
	}

	/**
	 * Hands buffered bytes to the sink; call once after the last value.
	 */
	void flush() {
		if (this.position > 0) {
			this.sink.write(this.buffer, 0, this.position);
			this.position = 0;
		}
	}

	private void push() {
		this.level++;
		if (this.level == this.hasValue.length) {
			this.hasValue = Arrays.copyOf(this.hasValue, this.level * 2);
		}
		this.hasValue[this.level] = false;
	}

	private void beforeValue() {
		if (this.afterName) {
			this.afterName = false;
			return;
		}
		if (this.level > 0) {
			if (this.hasValue[this.level]) {
				put((byte) ',');
			}
			else {
				this.hasValue[this.level] = true;
			}
		}
	}

	private void ascii(String text) {
		int length = text.length();
		if (this.position + length > this.buffer.length) {
			flush();
		}
		if (length > this.buffer.length) {
			for (int i = 0; i < length; i++) {
				put((byte) text.charAt(i));
			}
			return;
		}
		for (int i = 0; i < length; i++) {
			this.buffer[this.position++] = (byte) text.charAt(i);
		}
	}

	private void quoted(CharSequence text) {
		put((byte) '"');
		int length = text.length();
		byte[] buffer = this.buffer;
		for (int i = 0; i < length; i++) {
			if (this.position + MAX_CHAR_BYTES > buffer.length) {
				flush();
			}
			char c = text.charAt(i);
			if (c < 0x80) {
				if (c >= 0x20 && c != '"' && c != '\\') {
					buffer[this.position++] = (byte) c;
				}
				else {
					escape(c);
				}
			}
			else if (c < 0x800) {
				buffer[this.position++] = (byte) (0xC0 | (c >> 6));
				buffer[this.position++] = (byte) (0x80 | (c & 0x3F));
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				int codePoint = Character.toCodePoint(c, text.charAt(++i));
				buffer[this.position++] = (byte) (0xF0 | (codePoint >> 18));
				buffer[this.position++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
				buffer[this.position++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
				buffer[this.position++] = (byte) (0x80 | (codePoint & 0x3F));
			}
			else if (Character.isSurrogate(c)) {
				unicodeEscape(c);
			}
			else {
				buffer[this.position++] = (byte) (0xE0 | (c >> 12));
				buffer[this.position++] = (byte) (0x80 | ((c >> 6) & 0x3F));
				buffer[this.position++] = (byte) (0x80 | (c & 0x3F));
			}
		}
		put((byte) '"');
	}

	private void escape(char c) {
		switch (c) {
			case '"' -> shortEscape('"');
			case '\\' -> shortEscape('\\');
			case '\b' -> shortEscape('b');
			case '\f' -> shortEscape('f');
			case '\n' -> shortEscape('n');
			case '\r' -> shortEscape('r');
			case '\t' -> shortEscape('t');
			default -> unicodeEscape(c);
		}
	}

	private void shortEscape(char c) {
		this.buffer[this.position++] = '\\';
		this.buffer[this.position++] = (byte) c;
	}

	private void unicodeEscape(char c) {
		byte[] buffer = this.buffer;
		buffer[this.position++] = '\\';
		buffer[this.position++] = 'u';
		buffer[this.position++] = HEX[(c >> 12) & 0xF];
		buffer[this.position++] = HEX[(c >> 8) & 0xF];
		buffer[this.position++] = HEX[(c >> 4) & 0xF];
		buffer[this.position++] = HEX[c & 0xF];
	}

	private void put(byte b) {
		if (this.position == this.buffer.length) {
			flush();
		}
		this.buffer[this.position++] = b;
	}

	private void write(byte[] bytes, int offset, int length) {
		if (length > this.buffer.length - this.position) {
			flush();
			if (length > this.buffer.length) {
				this.sink.write(bytes, offset, length);
				return;
			}
		}
		System.arraycopy(bytes, offset, this.buffer, this.position, length);
		this.position += length;
	}

	/**
	 * Where canonical bytes go.
	 */
	interface Sink {

		void write(byte[] bytes, int offset, int length);

		static Sink of(MessageDigest digest) {
			return digest::update;
		}

	}

	/**
	 * Collects canonical bytes, for the canonical text itself and for values that must be sorted
	 * by their canonical form before they are written.
	 */
	static final class ByteArraySink implements Sink {

		private byte[] bytes = new byte[256];

		private int size;

		@Override
		public void write(byte[] source, int offset, int length) {
			if (this.size + length > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + length));
			}
			System.arraycopy(source, offset, this.bytes, this.size, length);
			this.size += length;
		}

		byte[] toByteArray() {
			return Arrays.copyOf(this.bytes, this.size);
		}

	}

}
