package dev.llmcache.autoconfigure;

import java.time.Duration;

import dev.llmcache.advisor.LlmCacheAdvisor;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the ChatClient advisor, under {@code llmcache.advisor.*}.
 */
@ConfigurationProperties("llmcache.advisor")
public class LlmCacheAdvisorProperties {

	/** Whether to define the LlmCacheAdvisor bean when Spring AI's ChatClient is on the classpath. */
	private boolean enabled = true;

	/** Namespace of the entries the advisor stores (the unit of clearNamespace). */
	private String namespace = LlmCacheAdvisor.DEFAULT_NAMESPACE;

	/** Lifetime of stored responses; llmcache.ttl when not set. */
	private @Nullable Duration ttl;

	/** Highest requested temperature still cached; llmcache.max-temperature when not set. */
	private @Nullable Double maxTemperature;

	/** Whether prompt texts are normalized (llmcache.normalize.*) before hashing. */
	private boolean normalize = true;

	/** Position of the advisor in the ChatClient advisor chain. */
	private int order = LlmCacheAdvisor.DEFAULT_ORDER;

	/**
	 * Whether a paraphrase of an earlier request may be answered through the semantic tier
	 * (llmcache.semantic.*: threshold, guards, shadow mode); needs an EmbeddingModel bean.
	 */
	private boolean semantic = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(String namespace) {
		this.namespace = namespace;
	}

	public @Nullable Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(@Nullable Duration ttl) {
		this.ttl = ttl;
	}

	public @Nullable Double getMaxTemperature() {
		return this.maxTemperature;
	}

	public void setMaxTemperature(@Nullable Double maxTemperature) {
		this.maxTemperature = maxTemperature;
	}

	public boolean isNormalize() {
		return this.normalize;
	}

	public void setNormalize(boolean normalize) {
		this.normalize = normalize;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public boolean isSemantic() {
		return this.semantic;
	}

	public void setSemantic(boolean semantic) {
		this.semantic = semantic;
	}

}
