package dev.llmcache.autoconfigure.web;

import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.autoconfigure.LlmCacheOperationsProperties;
import dev.llmcache.engine.LlmCacheEngine;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The opt-in servlet filter mapping request headers to per-call cache control
 * ({@code llmcache.web.control-filter=true}).
 */
@AutoConfiguration(after = LlmCacheAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnBean(LlmCacheEngine.class)
@ConditionalOnProperty(prefix = "llmcache.web", name = "control-filter", havingValue = "true")
@EnableConfigurationProperties(LlmCacheOperationsProperties.class)
public class LlmCacheWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "llmCacheControlFilter")
	FilterRegistrationBean<LlmCacheControlFilter> llmCacheControlFilter(LlmCacheOperationsProperties properties) {
		LlmCacheOperationsProperties.Web web = properties.getWeb();
		FilterRegistrationBean<LlmCacheControlFilter> registration = new FilterRegistrationBean<>(
				new LlmCacheControlFilter(web.getTtlHeader(), web.getSemanticHeader()));
		registration.setUrlPatterns(web.getUrlPatterns());
		// Early, so that the control is in force for everything the request does.
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return registration;
	}

}
