package dev.llmcache.codec;

import java.util.Map;

/**
 * Turns the fields of a semantic stream entry into what is written to Redis and back, so that
 * what is derived from a prompt (its text, its vector, its partition) can be kept out of Redis in
 * clear. Implementations must be thread-safe.
 *
 * @see EncryptingStreamPayloadCodec
 */
public interface StreamPayloadCodec {

	/** Fields written as they are. */
	StreamPayloadCodec PLAIN = new StreamPayloadCodec() {

		@Override
		public Map<String, String> encode(Map<String, String> fields) {
			return fields;
		}

		@Override
		public Map<String, String> decode(Map<String, String> fields) {
			return fields;
		}

		@Override
		public String toString() {
			return "StreamPayloadCodec.PLAIN";
		}

	};

	/**
	 * @param fields the entry as the stream's reader expects it back
	 * @return the fields to write
	 */
	Map<String, String> encode(Map<String, String> fields);

	/**
	 * @param fields the fields as read from Redis
	 * @return the entry as {@link #encode} was given it
	 * @throws UndecodableEntryException if the fields are not of this codec's form
	 */
	Map<String, String> decode(Map<String, String> fields);

}
