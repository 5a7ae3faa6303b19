package dev.llmcache.key;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Canonical text of numbers, one concern of the canonical form: a number writes the same whatever
 * its type, and never depends on the JDK version ({@code Double.toString} changed in JDK 19).
 *
 * <p>Thread-safe: the caches hold immutable entries.
 */
final class CanonicalNumbers {

	// Temperatures and penalties repeat on every call, and finding their shortest form takes a
	// few BigDecimal roundings. Entries are immutable, so racy reads see nothing or a whole entry.
	private static final CachedNumber[] DOUBLES = new CachedNumber[256];

	private static final CachedNumber[] FLOATS = new CachedNumber[256];

	private CanonicalNumbers() {
	}

	// JSON has no such numbers; these spellings are the JDK's, fixed since Java 1.0.
	static String nonFinite(double value) {
		return Double.isNaN(value) ? "NaN" : (value > 0) ? "Infinity" : "-Infinity";
	}

	/**
	 * The shortest decimal that reads back as the same double, without exponent or trailing zeros:
	 * {@code 0.7} is {@code 0.7}, {@code 1.0} is {@code 1}, {@code -0.0} is {@code 0},
	 * {@code 1e-7} is {@code 0.0000001}. Computed with {@link BigDecimal} arithmetic, whose results
	 * are specified exactly, rather than with {@code Double.toString}, whose output changed in JDK 19.
	 */
	static String canonicalDouble(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return Long.toString((long) value);
		}
		return cached(DOUBLES, Double.doubleToLongBits(value), value, false);
	}

	/**
	 * Like {@link #canonicalDouble(double)}, shortest for float precision: {@code 0.7f} is
	 * {@code 0.7}, as the caller wrote it, not the {@code 0.699999988079071} of its double value.
	 */
	static String canonicalFloat(float value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return Long.toString((long) value);
		}
		return cached(FLOATS, Float.floatToIntBits(value), value, true);
	}

	private static String cached(CachedNumber[] cache, long bits, double value, boolean isFloat) {
		int slot = (int) (bits ^ (bits >>> 32)) * 0x9E3779B9 >>> 24;
		CachedNumber cached = cache[slot];
		if (cached != null && cached.bits() == bits) {
			return cached.text();
		}
		String text = shortest(value, isFloat);
		cache[slot] = new CachedNumber(bits, text);
		return text;
	}

	private static String shortest(double value, boolean isFloat) {
		BigDecimal exact = new BigDecimal(value);
		int maxDigits = isFloat ? 9 : 17;
		for (int digits = 1; digits < maxDigits; digits++) {
			BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
			if (isFloat ? rounded.floatValue() == (float) value : rounded.doubleValue() == value) {
				return decimal(rounded);
			}
		}
		return decimal(exact.round(new MathContext(maxDigits, RoundingMode.HALF_EVEN)));
	}

	private record CachedNumber(long bits, String text) {
	}

	static String decimal(BigDecimal value) {
		return (value.signum() == 0) ? "0" : value.stripTrailingZeros().toPlainString();
	}

}
