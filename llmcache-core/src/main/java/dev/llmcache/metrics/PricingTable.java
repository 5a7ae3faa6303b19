package dev.llmcache.metrics;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.llmcache.codec.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Prices per model, to turn the tokens a hit saved into money.
 *
 * <p>A model is priced by the entry of the same name (ignoring case) or, failing that, by the
 * longest entry its name starts with: providers answer with dated names such as
 * {@code gpt-4o-mini-2024-07-18}, priced by an entry {@code gpt-4o-mini}. A model without a price
 * saves tokens but no money. Immutable and thread-safe.
 */
public final class PricingTable {

	public static final PricingTable EMPTY = new PricingTable(Map.of());

	private final TreeMap<String, ModelPrice> prices = new TreeMap<>();

	public PricingTable(Map<String, ModelPrice> prices) {
		prices.forEach((model, price) -> this.prices.put(model.toLowerCase(Locale.ROOT), price));
	}

	public boolean isEmpty() {
		return this.prices.isEmpty();
	}

	/** The price of a model, or null when the table has none. */
	public @Nullable ModelPrice priceOf(@Nullable String model) {
		if (model == null || model.isEmpty()) {
			return null;
		}
		String name = model.toLowerCase(Locale.ROOT);
		ModelPrice exact = this.prices.get(name);
		if (exact != null) {
			return exact;
		}
		ModelPrice best = null;
		int bestLength = -1;
		for (Map.Entry<String, ModelPrice> entry : this.prices.headMap(name, false).entrySet()) {
			if (name.startsWith(entry.getKey()) && entry.getKey().length() > bestLength) {
				best = entry.getValue();
				bestLength = entry.getKey().length();
			}
		}
		return best;
	}

	/** What the usage costs on that model; zero when the model has no price. */
	public BigDecimal costOf(@Nullable String model, TokenUsage usage) {
		ModelPrice price = priceOf(model);
		return (price != null) ? price.costOf(usage) : BigDecimal.ZERO;
	}

}
