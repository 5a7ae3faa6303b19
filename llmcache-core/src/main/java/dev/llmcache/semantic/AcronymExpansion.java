package dev.llmcache.semantic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text a request is embedded as: the request with each acronym the lexicon knows replaced by
 * the words it stands for, so that "What is the GDP of Germany?" and "What is the gross domestic
 * product of Germany?" embed alike. Embedding models place an acronym far from its expansion
 * (MiniLM: 0.35 to 0.81), below any threshold, where the guards that know acronyms never see the
 * pair. Only the embedding sees the expansion; the guards compare the requests as written.
 *
 * <p>A word counts as an acronym only when written in capitals in a request that is not: in a
 * request typed all in capitals no word is singled out ("DO", "IT", "US" stay words).
 *
 * <p>Thread-safe.
 */
final class AcronymExpansion {

	private static final Pattern ACRONYM = Pattern.compile("\\b[A-Z]{2,6}\\b");

	private final Lexicon lexicon;

	AcronymExpansion(Lexicon lexicon) {
		this.lexicon = lexicon;
	}

	String expand(String text) {
		if (!hasLowerCase(text)) {
			return text;
		}
		Matcher matcher = ACRONYM.matcher(text);
		StringBuilder expanded = null;
		int copied = 0;
		while (matcher.find()) {
			String expansion = this.lexicon.expansion(matcher.group());
			if (expansion == null) {
				continue;
			}
			if (expanded == null) {
				expanded = new StringBuilder(text.length() + 32);
			}
			expanded.append(text, copied, matcher.start()).append(expansion);
			copied = matcher.end();
		}
		return (expanded != null) ? expanded.append(text, copied, text.length()).toString() : text;
	}

	private static boolean hasLowerCase(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (Character.isLowerCase(text.charAt(i))) {
				return true;
			}
		}
		return false;
	}

}
