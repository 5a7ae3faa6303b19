package dev.llmcache.interceptor;

import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * The AOP Alliance interceptor for {@code @LlmCached} and {@code @LlmCacheEvict}: a thin adapter
 * over {@link LlmCacheAspectSupport}. Thread-safe.
 */
public class LlmCacheInterceptor implements MethodInterceptor {

	private final SingletonSupplier<LlmCacheAspectSupport> support;

	public LlmCacheInterceptor(LlmCacheAspectSupport support) {
		this.support = SingletonSupplier.of(support);
	}

	/**
	 * @param support resolved on the first call, so that creating the advisor early (as every
	 * advisor is) does not pull the tiers and their Redis connection factory in with it
	 */
	public LlmCacheInterceptor(Supplier<LlmCacheAspectSupport> support) {
		this.support = SingletonSupplier.of(support);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		return this.support.obtain().execute(invocation::proceed, target, invocation.getMethod(), invocation.getArguments(),
				targetClass);
	}

}
