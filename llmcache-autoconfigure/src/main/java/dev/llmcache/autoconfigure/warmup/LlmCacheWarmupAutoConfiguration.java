package dev.llmcache.autoconfigure.warmup;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.autoconfigure.LlmCacheAutoConfiguration;
import dev.llmcache.autoconfigure.LlmCacheOperationsProperties;
import dev.llmcache.engine.LlmCacheEngine;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.tier.TieredCache;
import dev.llmcache.warmup.LlmCacheWarmer;
import dev.llmcache.warmup.WarmupEntry;
import dev.llmcache.warmup.WarmupPlan;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;

/**
 * Warm-up of the cache from {@code llmcache.warmup.*}: calls from a JSON-lines file, from
 * {@code calls} and from {@code prompts}, run in the background once the application is ready
 * ({@code on-startup=true}) or on demand (the {@code llmcache} endpoint's write operation, or
 * {@link LlmCacheWarmer} in code).
 */
@AutoConfiguration(after = LlmCacheAutoConfiguration.class)
@ConditionalOnBean(LlmCacheEngine.class)
@EnableConfigurationProperties(LlmCacheOperationsProperties.class)
public class LlmCacheWarmupAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LlmCacheWarmer llmCacheWarmer(BeanFactory beanFactory, LlmCacheOperationSource operations,
			LlmCacheManager manager, TieredCache cache, LlmCacheOperationsProperties properties) {
		LlmCacheOperationsProperties.Warmup warmup = properties.getWarmup();
		return new LlmCacheWarmer(beanFactory, operations, manager, cache, warmup.getConcurrency(),
				warmup.getProgressInterval(), () -> plan(warmup));
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> llmCacheWarmupOnStartup(LlmCacheWarmer warmer,
			LlmCacheOperationsProperties properties) {
		return event -> {
			if (properties.getWarmup().isOnStartup()) {
				warmer.startConfigured();
			}
		};
	}

	static WarmupPlan plan(LlmCacheOperationsProperties.Warmup warmup) {
		WarmupPlan plan = new WarmupPlan(List.of(), List.of());
		Resource file = warmup.getFile();
		if (file != null) {
			String name = (file.getFilename() != null) ? file.getFilename() : file.getDescription();
			try (Reader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
				plan = plan.plus(WarmupPlan.fromJsonLines(reader, name, warmup.getBean(), warmup.getMethod()));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read llmcache.warmup.file " + file.getDescription(), ex);
			}
		}
		List<WarmupEntry> calls = new ArrayList<>();
		for (int i = 0; i < warmup.getCalls().size(); i++) {
			LlmCacheOperationsProperties.Call call = warmup.getCalls().get(i);
			calls.add(new WarmupEntry("llmcache.warmup.calls[" + i + "]", call.getBean(), call.getMethod(),
					call.getArgs()));
		}
		plan = plan.plus(new WarmupPlan(calls, List.of()));
		return plan.plus(WarmupPlan.fromPrompts(warmup.getPrompts(), "llmcache.warmup.prompts", warmup.getBean(),
				warmup.getMethod()));
	}

}
