package dev.llmcache.autoconfigure.consistency;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import dev.llmcache.autoconfigure.consistency.Instances.Instance;
import dev.llmcache.coherence.RedisL1Coherence;
import dev.llmcache.test.MockOpenAiServer;
import dev.llmcache.test.RealParts;
import dev.llmcache.test.RedisServerProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bound on serving an evicted value when pub/sub is cut (docs/consistency.md, rule 5): an
 * instance that stops hearing the invalidation channel stops answering from L1 within
 * {@code llmcache.l1.coherence-bound} plus one heartbeat (a quarter of the bound), whether the cut
 * is silent (the subscription is gone, the connection is not) or a killed connection.
 */
class PubSubCutTests {

	private static final long BOUND_MILLIS = 1_000;

	private static final String CHANNEL = "llmcache:invalidations";

	/** The bound, one heartbeat, and a margin for a machine busy with other builds. */
	private static final long ALLOWED_MILLIS = BOUND_MILLIS + BOUND_MILLIS / 4 + 1_000;

	@RegisterExtension
	static final RealParts parts = RealParts.shared();

	private static final MockOpenAiServer server = parts.server();

	private static final RedisServerProcess redis = parts.redis();

	private VersionedModel model;

	@BeforeEach
	void answerWithVersions() {
		this.model = VersionedModel.answering(server);
	}

	@Test
	void anInstanceWhoseSubscriptionSilentlyStoppedServesAnEvictedValueNoLongerThanTheBound() {
		cutThenEvict((second) -> {
			unsubscribe(second);
			awaitSubscribers(1);
		});
	}

	@Test
	void anInstanceWhoseSubscriberConnectionWasKilledServesAnEvictedValueNoLongerThanTheBound() {
		cutThenEvict((second) -> {
			redis.command("CLIENT", "KILL", "TYPE", "pubsub");
			awaitSubscribers(0);
		});
	}

	private void cutThenEvict(Cut cut) {
		String[] bound = { "llmcache.l1.coherence-bound=" + BOUND_MILLIS + "ms" };
		Instances.context(server, redis, bound).run(first -> Instances.context(server, redis, bound).run(second -> {
			Instance a = Instance.of(first);
			Instance b = Instance.of(second);
			String question = "Is the bridge open?";
			assertThat(a.ask(question)).isEqualTo(1);
			assertThat(b.ask(question)).isEqualTo(1);
			int requests = server.requestCount();
			assertThat(b.ask(question)).as("answered from b's L1").isEqualTo(1);
			assertThat(server.requestCount()).isEqualTo(requests);

			cut.apply(second);
			this.model.change();
			a.evict(question);
			long evictedAt = System.nanoTime();
			int answer = b.ask(question);
			while (answer < 2 && System.nanoTime() - evictedAt < TimeUnit.MILLISECONDS.toNanos(10 * BOUND_MILLIS)) {
				Thread.sleep(10);
				answer = b.ask(question);
			}
			long staleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - evictedAt);
			System.out.println("Pub/sub cut: the other instance served the evicted value for at most " + staleMillis
					+ " ms (bound " + BOUND_MILLIS + " ms)");
			assertThat(answer).as("b's answer after the bound").isEqualTo(2);
			assertThat(staleMillis).as("how long b served the evicted value").isLessThanOrEqualTo(ALLOWED_MILLIS);
		}));
	}

	/**
	 * Take the invalidation listener off b's subscription without closing the connection: nothing
	 * tells b that messages no longer reach it. Reflection, because no application would do this.
	 */
	private static void unsubscribe(ApplicationContext context) throws Exception {
		RedisL1Coherence coherence = context.getBean(RedisL1Coherence.class);
		Field field = RedisL1Coherence.class.getDeclaredField("container");
		field.setAccessible(true);
		RedisMessageListenerContainer container = (RedisMessageListenerContainer) field.get(coherence);
		// Another subscription keeps the connection open, so no connection event tells b anything.
		container.addMessageListener((message, pattern) -> {
		}, new ChannelTopic("llmcache:unrelated"));
		awaitSubscribers("llmcache:unrelated", 1);
		container.removeMessageListener(coherence, new ChannelTopic(CHANNEL));
	}

	/** Until Redis counts this many subscribers of the invalidation channel. */
	private static void awaitSubscribers(int count) throws InterruptedException {
		awaitSubscribers(CHANNEL, count);
	}

	private static void awaitSubscribers(String channel, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!(count + "").equals(redis.command("PUBSUB", "NUMSUB", channel).split("\n")[1].trim())) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(channel + " never had " + count + " subscribers");
			}
			Thread.sleep(5);
		}
	}

	@FunctionalInterface
	private interface Cut {

		void apply(ApplicationContext second) throws Exception;

	}

}
