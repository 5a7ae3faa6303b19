package dev.llmcache.autoconfigure.web;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Enumeration;
import java.util.Locale;

import dev.llmcache.control.LlmCacheControl;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Maps request headers to an {@link LlmCacheControl} in force for the cached calls the request
 * makes on its thread:
 * <ul>
 * <li>{@code Cache-Control: no-cache}: skip reads, store the fresh result;</li>
 * <li>{@code Cache-Control: no-store}: read, but store nothing;</li>
 * <li>{@code X-LLM-Cache-Refresh: true}: force a refresh (skip reads, overwrite the entry on every
 * instance);</li>
 * <li>{@code X-LLM-Cache-TTL: PT5M} (or seconds, {@code 300}): lifetime of what is stored;</li>
 * <li>{@code X-LLM-Cache-Semantic: off}, or a minimum similarity such as {@code 0.95}.</li>
 * </ul>
 * A malformed value is answered with 400 and a message naming the header, before the application
 * sees the request. Opt-in ({@code llmcache.web.control-filter=true}): it lets clients make the
 * application call the model, so expose it only where they may. Thread-safe.
 */
public class LlmCacheControlFilter extends OncePerRequestFilter {

	/** Forces a refresh when {@code true}. */
	public static final String REFRESH_HEADER = "X-LLM-Cache-Refresh";

	private final String ttlHeader;

	private final String semanticHeader;

	public LlmCacheControlFilter(String ttlHeader, String semanticHeader) {
		this.ttlHeader = ttlHeader;
		this.semanticHeader = semanticHeader;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		LlmCacheControl control;
		try {
			control = controlOf(request);
		}
		catch (IllegalArgumentException ex) {
			// Written here rather than through sendError, whose error page would hide the message.
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().write(ex.getMessage());
			return;
		}
		if (control == null) {
			chain.doFilter(request, response);
			return;
		}
		try (LlmCacheControl.Scope scope = control.open()) {
			chain.doFilter(request, response);
		}
	}

	/**
	 * The control the request's headers ask for.
	 * @return null when they ask for nothing
	 * @throws IllegalArgumentException if a header's value is malformed
	 */
	@Nullable LlmCacheControl controlOf(HttpServletRequest request) {
		LlmCacheControl control = LlmCacheControl.current();
		boolean any = false;
		Enumeration<String> cacheControl = request.getHeaders(HttpHeaders.CACHE_CONTROL);
		while (cacheControl != null && cacheControl.hasMoreElements()) {
			for (String directive : cacheControl.nextElement().split(",")) {
				String name = directive.strip().toLowerCase(Locale.ROOT);
				if (name.equals("no-cache")) {
					control = control.withNoCache();
					any = true;
				}
				else if (name.equals("no-store")) {
					control = control.withNoStore();
					any = true;
				}
			}
		}
		String refresh = request.getHeader(REFRESH_HEADER);
		if (refresh != null) {
			if (!refresh.strip().equalsIgnoreCase("true") && !refresh.strip().equalsIgnoreCase("false")) {
				throw new IllegalArgumentException(REFRESH_HEADER + " must be true or false, got '" + refresh + "'");
			}
			if (refresh.strip().equalsIgnoreCase("true")) {
				control = control.withForceRefresh();
				any = true;
			}
		}
		String ttl = request.getHeader(this.ttlHeader);
		if (ttl != null) {
			control = control.ttl(parseTtl(ttl));
			any = true;
		}
		String semantic = request.getHeader(this.semanticHeader);
		if (semantic != null) {
			control = semantic(control, semantic);
			any = true;
		}
		return any ? control : null;
	}

	private Duration parseTtl(String value) {
		String text = value.strip();
		Duration ttl;
		try {
			ttl = text.chars().allMatch(Character::isDigit) && !text.isEmpty() ? Duration.ofSeconds(Long.parseLong(text))
					: Duration.parse(text);
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			ttl = null;
		}
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException(this.ttlHeader
					+ " must be a positive ISO-8601 duration (PT5M) or a number of seconds, got '" + value + "'");
		}
		return ttl;
	}

	private LlmCacheControl semantic(LlmCacheControl control, String value) {
		String text = value.strip();
		if (text.equalsIgnoreCase("off")) {
			return control.semanticOff();
		}
		try {
			double similarity = Double.parseDouble(text);
			if (similarity >= 0 && similarity <= 1) {
				return control.minSimilarity(similarity);
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				this.semanticHeader + " must be 'off' or a similarity in [0, 1], got '" + value + "'");
	}

}
