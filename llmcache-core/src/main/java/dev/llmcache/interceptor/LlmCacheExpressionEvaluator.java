package dev.llmcache.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
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
	 * Parses an attribute and checks every variable it names ({@code #name}) against what a call will
	 * define: an unknown variable would evaluate to null on every call, and a partition that is null
	 * bypasses the cache, so a typo or a class compiled without parameter names would turn caching off
	 * without a word. Such an expression fails here, at startup, instead.
	 * @return the parsed expression, or null for an empty attribute
	 * @throws IllegalStateException naming the method and attribute if the text does not parse, or
	 * names a variable a call does not define
	 */
	public @Nullable Expression parse(@Nullable String text, String attribute, Method method) {
		if (text == null || text.isBlank()) {
			return null;
		}
		Expression expression;
		try {
			expression = this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Invalid SpEL in " + attribute + " = \"" + text + "\" on "
					+ LlmCacheOperationSource.describe(method) + ": " + ex.getMessage(), ex);
		}
		checkVariables(expression, text, attribute, method);
		return expression;
	}

	private void checkVariables(Expression expression, String text, String attribute, Method method) {
		if (!(expression instanceof SpelExpression spel)) {
			return;
		}
		Set<String> named = new LinkedHashSet<>();
		collectVariables(spel.getAST(), named);
		if (named.isEmpty()) {
			return;
		}
		int count = method.getParameterCount();
		@Nullable String[] discovered = this.parameterNames.getParameterNames(method);
		List<String> known = new ArrayList<>();
		known.add("root");
		known.add("this");
		if ("unless".equals(attribute)) {
			known.add("result");
		}
		for (int i = 0; i < count; i++) {
			known.add("p" + i);
			known.add("a" + i);
		}
		if (discovered != null) {
			known.addAll(Arrays.asList(discovered));
		}
		for (String name : named) {
			if (known.contains(name)) {
				continue;
			}
			String where = attribute + " = \"" + text + "\" on " + LlmCacheOperationSource.describe(method);
			if (discovered == null && count > 0) {
				throw new IllegalStateException(where + " refers to #" + name + ", but the parameter names of "
						+ "this method are not available: its class was compiled without -parameters. Compile with "
						+ "-parameters (Maven: <parameters>true</parameters> in maven-compiler-plugin's "
						+ "configuration, as spring-boot-starter-parent does; Gradle: "
						+ "options.compilerArgs << '-parameters'), or refer to arguments by position (#p0 or #a0 "
						+ "for the first)");
			}
			throw new IllegalStateException(where + " refers to #" + name + ", which a call does not define; "
					+ "use " + String.join(", ", variableNames(discovered, count, attribute)));
		}
	}

	private static List<String> variableNames(@Nullable String[] discovered, int count, String attribute) {
		List<String> names = new ArrayList<>();
		if (discovered != null) {
			Arrays.stream(discovered).map(name -> "#" + name).forEach(names::add);
		}
		if (count > 0) {
			names.add("#p0..#p" + (count - 1));
		}
		if ("unless".equals(attribute)) {
			names.add("#result");
		}
		names.add("#root");
		return names;
	}

	private static void collectVariables(SpelNode node, Set<String> named) {
		if (node instanceof VariableReference) {
			// toStringAST() is "#name": the AST has no public accessor for the name.
			named.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			collectVariables(node.getChild(i), named);
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
