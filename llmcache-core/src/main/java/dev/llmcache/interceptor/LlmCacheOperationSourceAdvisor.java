package dev.llmcache.interceptor;

import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies the {@link LlmCacheInterceptor} to every method the {@link LlmCacheOperationSource}
 * knows. The pointcut resolves each annotation while the proxy is created, so an invalid
 * annotation fails the application at startup.
 */
public class LlmCacheOperationSourceAdvisor extends AbstractPointcutAdvisor {

	private final LlmCacheOperationSource operationSource;

	private final Advice advice;

	private final Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, @Nullable Class<?> targetClass) {
			return LlmCacheOperationSourceAdvisor.this.operationSource.hasOperation(method, targetClass);
		}

	};

	public LlmCacheOperationSourceAdvisor(LlmCacheOperationSource operationSource, Advice advice) {
		this.operationSource = operationSource;
		this.advice = advice;
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

}
