package dev.llmcache.semantic;

import java.util.List;
import java.util.Objects;

import dev.llmcache.codec.CachedValue;
import dev.llmcache.engine.CachedCall;
import dev.llmcache.engine.SemanticQuery;
import dev.llmcache.engine.SemanticTier;
import dev.llmcache.tier.TieredCache;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * The semantic tier: embeds the last user message of a request that missed exactly, looks for the
 * nearest requests of its bucket in a {@link SemanticIndex}, and serves the first candidate that
 * passes the {@link SemanticMatcher} (threshold, guards, verifier) and whose entry the exact-match
 * tiers still hold. Entries that expired or were evicted are removed from the index when met.
 *
 * <p>A miss costs one embedding (the text's embedding is then reused when its answer is stored).
 * Thread-safe.
 */
public final class DefaultSemanticTier implements SemanticTier {

	private final TieredCache cache;

	private final SemanticIndex index;

	private final SemanticMatcher matcher;

	private final boolean shadow;

	private volatile SemanticListener listener = SemanticListener.NONE;

	private volatile @Nullable RedisSemanticStream stream;

	/**
	 * @param cache the exact-match tiers that hold the answers
	 * @param index where requests are found
	 * @param matcher decides which candidates may answer
	 * @param shadow whether hits are only recorded, never served
	 */
	public DefaultSemanticTier(TieredCache cache, SemanticIndex index, SemanticMatcher matcher, boolean shadow) {
		this.cache = cache;
		this.index = index;
		this.matcher = matcher;
		this.shadow = shadow;
	}

	public void setListener(SemanticListener listener) {
		this.listener = Objects.requireNonNull(listener, "listener must not be null");
	}

	/** Where stored entries are published for other instances; none by default. */
	public void setStream(@Nullable RedisSemanticStream stream) {
		this.stream = stream;
	}

	public SemanticIndex index() {
		return this.index;
	}

	@Override
	public boolean isShadow() {
		return this.shadow;
	}

	@Override
	public @Nullable Match find(CachedCall call, SemanticQuery query) {
		float[] vector = this.matcher.embeddings().embed(query.text(), spentFor(call));
		List<SemanticIndex.Neighbor> neighbors = this.index.nearest(query.bucket(), query.text(), vector,
				query.candidates(), query.threshold());
		long now = System.currentTimeMillis();
		for (SemanticIndex.Neighbor neighbor : neighbors) {
			IndexedRequest candidate = neighbor.entry();
			if (candidate.hash().equals(call.key().hash()) || candidate.isExpired(now)) {
				// The exact lookup just missed this very entry, or it has outlived its TTL.
				this.index.remove(candidate.bucket(), candidate.hash());
				continue;
			}
			String rejection = this.matcher.rejection(query.text(), candidate.text(), neighbor.similarity(),
					query.threshold());
			if (rejection != null) {
				this.listener.rejected(call.namespace(), neighbor.similarity(), rejection);
				continue;
			}
			TieredCache.Lookup lookup = this.cache.get(candidate.key(), call.type(), true);
			if (lookup.isHit()) {
				this.index.recordHit(candidate.bucket(), candidate.hash());
				return new Match(lookup.value(), neighbor.similarity());
			}
			if (lookup.isConclusive()) {
				// Redis answered (or there is none) and the entry is gone: evicted, expired or cleared.
				this.index.remove(candidate.bucket(), candidate.hash());
			}
			this.listener.rejected(call.namespace(), neighbor.similarity(), "gone");
		}
		if (neighbors.isEmpty()) {
			this.listener.noCandidate(call.namespace());
		}
		return null;
	}

	@Override
	public void stored(CachedCall call, SemanticQuery query, CachedValue entry) {
		IndexedRequest indexed = new IndexedRequest(query.bucket(), call.key().namespace(), call.key().partition(),
				call.key().hash(), query.text(), this.matcher.embeddings().embed(query.text(), spentFor(call)), entry.expiresAt());
		this.index.add(indexed);
		RedisSemanticStream target = this.stream;
		if (target != null) {
			target.publish(indexed);
		}
	}

	private EmbeddingCache.ModelCalls spentFor(CachedCall call) {
		SemanticListener target = this.listener;
		return (model, inputTokens) -> target.embedded(call.namespace(), model, inputTokens);
	}

	@Override
	public void shadowed(CachedCall call, SemanticQuery query, Match wouldHaveServed, @Nullable Object actual) {
		this.listener.shadowed(call.namespace(), wouldHaveServed.similarity(),
				sameAnswer(wouldHaveServed.entry().value(), actual));
	}

	/** Whether two answers are the same: equal values, or chat responses with equal texts. */
	static boolean sameAnswer(@Nullable Object cached, @Nullable Object actual) {
		if (cached instanceof ChatResponse a && actual instanceof ChatResponse b) {
			return Objects.equals(texts(a), texts(b));
		}
		if (cached instanceof CharSequence a && actual instanceof CharSequence b) {
			return a.toString().strip().equals(b.toString().strip());
		}
		return Objects.equals(cached, actual);
	}

	private static List<String> texts(ChatResponse response) {
		return response.getResults().stream().map(Generation::getOutput).map(m -> {
			String text = m.getText();
			return (text != null) ? text.strip() : "";
		}).toList();
	}

}
