package dev.llmcache.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers Spring's infrastructure auto-proxy creator, as {@code @EnableCaching} and
 * {@code @EnableTransactionManagement} do, so that {@code @LlmCached} methods are proxied whether or
 * not Spring Boot's AOP auto-configuration is active ({@code spring.aop.auto=false}). When another
 * creator is already registered (Boot's AspectJ-aware one, or one of {@code @EnableCaching}), that
 * one is kept or escalated: there is never more than one, and each proxy carries every applicable
 * advisor (caching, transactions, {@code @LlmCached}).
 */
class LlmCacheProxyRegistrar implements ImportBeanDefinitionRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
	}

}
