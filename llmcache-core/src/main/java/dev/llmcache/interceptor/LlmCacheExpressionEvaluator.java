package dev.llmcache.interceptor;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Parses the SpEL attributes of the llmcache annotations at startup and evaluates them per call,
 * with the same variables as Spring's cache annotations: {@code #root.method}, {@code #root.args},
 * {@code #root.target}, the arguments by name ({@code #question}) or position ({@code #p0},
 * {@code #a0}), and {@code #result} in {@code unless}.
 *
 * <p>Thread-safe.
 */
public class LlmCacheExpressionEvaluator {

	private final SpelExpressionParser parser = new SpelExpressionParser();

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	/**
	 * @return the parsed expression, or null for an empty attribute
	 * @throws IllegalStateException naming the method and attribute if the text does not parse
	 */
	public @Nullable Expression parse(@Nullable String text, String attribute, Method method) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Invalid SpEL in " + attribute + " = \"" + text + "\" on "
					+ LlmCacheOperationSource.describe(method) + ": " + ex.getMessage(), ex);
		}
	}

	public EvaluationContext createContext(Method method, @Nullable Object[] args, @Nullable Object target,
			@Nullable Object result, boolean withResult) {
		RootObject root = new RootObject(method, args, target);
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args,
				this.parameterNames);
		if (withResult) {
			context.setVariable("result", result);
		}
		return context;
	}

	public @Nullable Object value(Expression expression, EvaluationContext context) {
		return expression.getValue(context);
	}

	public boolean isTrue(Expression expression, EvaluationContext context) {
		return Boolean.TRUE.equals(expression.getValue(context, Boolean.class));
	}

	/**
	 * The root object of every expression.
	 *
	 * @param method the invoked method
	 * @param args its arguments
	 * @param target the bean, null when evaluated without one (eviction by the manager)
	 */
	public record RootObject(Method method, @Nullable Object[] args, @Nullable Object target) {

		public String methodName() {
			return this.method.getName();
		}

	}

}
