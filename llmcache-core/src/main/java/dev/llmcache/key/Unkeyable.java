package dev.llmcache.key;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Signals, from deep inside a value, that it cannot be made canonical. Each enclosing container
 * adds its path segment on the way out, so that the message can point at the offending part
 * without the happy path ever tracking where it is.
 *
 * <p>Internal: always turned into a {@link KeyGenerationException} before it leaves the package.
 */
final class Unkeyable extends RuntimeException {

	private static final long serialVersionUID = 1L;

	static final String ADVICE = "; pass a value type (String, record, JavaBean, Spring AI Prompt) or set @LlmCached(key = ...)";

	private final String what;

	private final @Nullable String typeName;

	private final Deque<String> path = new ArrayDeque<>();

	private boolean uncacheable;

	/**
	 * @param what completes "type X ...", for example "has no readable properties"
	 * @param type the offending type, or null when the problem is not one type
	 */
	Unkeyable(String what, @Nullable Class<?> type) {
		this(what, type, null);
	}

	Unkeyable(String what, @Nullable Class<?> type, @Nullable Throwable cause) {
		super(what, cause, false, false);
		this.what = what;
		this.typeName = (type != null) ? type.getTypeName() : null;
	}

	/**
	 * A value that can be keyed by nothing but the application's own statement of what the
	 * answer depends on: the call bypasses the cache unless the method has a {@code key}.
	 */
	static Unkeyable uncacheable(String what) {
		Unkeyable unkeyable = new Unkeyable(what, null);
		unkeyable.uncacheable = true;
		return unkeyable;
	}

	/**
	 * This problem, met inside the value of a chat option: the call is valid, but its option
	 * cannot be keyed, so it is uncacheable rather than a mistake of the method.
	 */
	Unkeyable asUncacheableOption(String option) {
		if (this.uncacheable) {
			return this;
		}
		StringBuilder what = new StringBuilder("the chat option ").append(option).append(" cannot be made canonical (");
		if (this.typeName != null) {
			what.append("type ").append(this.typeName);
			if (!this.path.isEmpty()) {
				what.append(" at ");
				this.path.forEach(what::append);
			}
			what.append(' ');
		}
		what.append(this.what).append(')');
		return uncacheable(what.toString());
	}

	/**
	 * Prepends a path segment, such as {@code .body} or {@code [2]}.
	 */
	Unkeyable at(String segment) {
		this.path.addFirst(segment);
		return this;
	}

	KeyGenerationException toException(Method method, String parameter) {
		if (this.uncacheable) {
			StringBuilder message = new StringBuilder("Cannot build an llmcache key for ").append(describe(method))
				.append(": at ")
				.append(parameter);
			this.path.forEach(message::append);
			message.append(", ")
				.append(this.what)
				.append("; such calls bypass the cache. Set @LlmCached(key = ...) to state what the answer "
						+ "depends on, and they are cached under that key");
			return new UncacheableCallException(message.toString());
		}
		StringBuilder message = new StringBuilder("Cannot build an llmcache key for parameter '").append(parameter)
			.append("' of ")
			.append(describe(method))
			.append(": ");
		if (this.typeName != null) {
			message.append("type ").append(this.typeName);
			if (!this.path.isEmpty()) {
				message.append(" at ").append(parameter);
				this.path.forEach(message::append);
			}
			message.append(' ');
		}
		message.append(this.what).append(ADVICE);
		return (getCause() != null) ? new KeyGenerationException(message.toString(), getCause())
				: new KeyGenerationException(message.toString());
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(","))
				+ ")";
	}

}
