package dev.llmcache.metrics;

import java.math.BigDecimal;
import java.math.MathContext;

import dev.llmcache.codec.TokenUsage;

/**
 * What a model charges, per million input and output tokens, in the currency of the pricing table.
 *
 * @param inputPerMillion price of one million input (prompt) tokens
 * @param outputPerMillion price of one million output (completion) tokens
 */
public record ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

	private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

	public ModelPrice {
		if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
			throw new IllegalArgumentException(
					"prices must not be negative, got " + inputPerMillion + " and " + outputPerMillion);
		}
	}

	/** The price of the given usage, exact (no rounding beyond {@link MathContext#DECIMAL128}). */
	public BigDecimal costOf(TokenUsage usage) {
		BigDecimal input = this.inputPerMillion.multiply(BigDecimal.valueOf(usage.inputTokens()));
		BigDecimal output = this.outputPerMillion.multiply(BigDecimal.valueOf(usage.outputTokens()));
		return input.add(output).divide(MILLION, MathContext.DECIMAL128);
	}

}
