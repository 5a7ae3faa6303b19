package dev.llmcache.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.llmcache.benchmarks.SemanticLookupBenchmark.Vectors;
import dev.llmcache.semantic.InMemorySemanticIndex;
import dev.llmcache.semantic.RedisSemanticStream;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Measured once, not a benchmark of steady state: how long a starting instance takes to replay the
 * shared semantic stream into an empty in-process index (int8, graphs built in the background as
 * in production) before its index answers: {@link RedisSemanticStream#start()} returning. The
 * stream holds 384-dimensional entries written as the tier writes them, in a local Redis. Writes
 * Markdown to standard output.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.llmcache.benchmarks.ReplayReport [sizes...]</pre>
 * ({@code -Dpayload=1}: a stream written by payload version 1, float vectors; 2, quantized, by default)
 */
public final class ReplayReport {

	// -Dpayload=1 fills the stream as version 1 wrote it (float vectors), to measure the replay of old streams.
	private static final int PAYLOAD_VERSION = Integer.getInteger("payload", 2);

	public static void main(String[] args) throws Exception {
		List<Integer> sizes = new ArrayList<>();
		for (String arg : args) {
			sizes.add(Integer.parseInt(arg.replace("_", "")));
		}
		if (sizes.isEmpty()) {
			sizes = List.of(10_000, 100_000);
		}
		System.out.println("| stream entries | payload | replay limit | entries replayed | replay time | per entry |");
		System.out.println("| ---: | --- | ---: | ---: | ---: | ---: |");
		try (RedisProcess redis = RedisProcess.start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(RedisProcess.HOST, redis.port()));
			factory.afterPropertiesSet();
			factory.start();
			try {
				for (int size : sizes) {
					fill(factory, size);
					measure(factory, size, Long.MAX_VALUE);
					if (size > 10_000) {
						measure(factory, size, 10_000);
					}
				}
			}
			finally {
				factory.destroy();
			}
		}
	}

	private static void fill(LettuceConnectionFactory factory, int size) {
		StringRedisTemplate redis = new StringRedisTemplate(factory);
		redis.delete("replay:semantic");
		Vectors vectors = new Vectors("clustered", size, 42);
		long expiresAt = System.currentTimeMillis() + 3_600_000;
		for (int from = 0; from < size; from += 1000) {
			int start = from;
			redis.executePipelined(new SessionCallback<Object>() {
				@Override
				@SuppressWarnings("unchecked")
				public Object execute(RedisOperations operations) {
				for (int i = start; i < Math.min(size, start + 1000); i++) {
					Map<String, String> fields = new HashMap<>();
					fields.put("i", "writer");
					fields.put("b", "bucket" + (i % 4));
					fields.put("ns", "ns");
					fields.put("h", String.format("%064x", i));
					fields.put("t", "how do I reset the password of account number " + i + " in the portal?");
					fields.put("x", Long.toString(expiresAt));
					if (PAYLOAD_VERSION == 1) {
						fields.put("v", encode(vectors.next()));
					}
					else {
						fields.put("q", encodeQuantized(vectors.next()));
					}
					operations.opsForStream().add(MapRecord.create("replay:semantic", fields));
				}
				return null;
				}
			});
		}
	}

	// The vector field as RedisSemanticStream writes it since payload version 2: a little-endian
	// float scale, then a signed byte per dimension, in Base64.
	private static String encodeQuantized(float[] vector) {
		float max = 0;
		for (float x : vector) {
			max = Math.max(max, Math.abs(x));
		}
		float scale = (max > 0) ? max / 127 : 1;
		java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4 + vector.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		buffer.putFloat(scale);
		for (float x : vector) {
			buffer.put((byte) Math.max(-127, Math.min(127, Math.round(x / scale))));
		}
		return java.util.Base64.getEncoder().encodeToString(buffer.array());
	}

	// The vector field as payload version 1 wrote it: little-endian floats in Base64.
	private static String encode(float[] vector) {
		java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(vector.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return java.util.Base64.getEncoder().encodeToString(buffer.array());
	}

	private static void measure(LettuceConnectionFactory factory, int size, long limit) {
		InMemorySemanticIndex index = InMemorySemanticIndex.bounded(InMemorySemanticIndex.DEFAULT_APPROXIMATE_ABOVE,
				1_000_000, 1_000_000, InMemorySemanticIndex.Vectors.INT8);
		RedisSemanticStream stream = new RedisSemanticStream(factory, "replay:semantic", index, 2_000_000,
				Duration.ofMillis(250), limit);
		long started = System.nanoTime();
		stream.start();
		double millis = (System.nanoTime() - started) / 1e6;
		stream.destroy();
		System.out.printf(Locale.ROOT, "| %,d | %s | %s | %,d | %,.0f ms | %.1f us |%n", size,
				(PAYLOAD_VERSION == 1) ? "v1 (float)" : "v2 (int8)",
				(limit == Long.MAX_VALUE) ? "none" : String.format(Locale.ROOT, "%,d", limit), stream.replayed(), millis,
				millis * 1000 / stream.replayed());
	}

}
