package dev.llmcache.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmcache.metrics.ModelPrice;
import dev.llmcache.metrics.PricingTable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Configuration of what operators use to see and steer llmcache: prices of models (for the money
 * hits save), warm-up, and the HTTP header filter. Bound to {@code llmcache.*} beside
 * {@link LlmCacheProperties}.
 */
@ConfigurationProperties("llmcache")
public class LlmCacheOperationsProperties {

	/**
	 * Prices per model, for llmcache.cost.saved. A model is priced by the entry of its name or by
	 * the longest entry its name starts with. Use brackets for names with dots:
	 * llmcache.pricing.[gpt-4.1].input-per-million.
	 */
	private Map<String, Price> pricing = new LinkedHashMap<>();

	private final Warmup warmup = new Warmup();

	private final Web web = new Web();

	public Map<String, Price> getPricing() {
		return this.pricing;
	}

	public void setPricing(Map<String, Price> pricing) {
		this.pricing = pricing;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	public Web getWeb() {
		return this.web;
	}

	/** The pricing table these properties describe. */
	public PricingTable pricingTable() {
		Map<String, ModelPrice> prices = new LinkedHashMap<>();
		this.pricing.forEach((model, price) -> prices.put(model,
				new ModelPrice(price.getInputPerMillion(), price.getOutputPerMillion())));
		return new PricingTable(prices);
	}

	/** What a model charges, in any one currency used for every model. */
	public static class Price {

		/** Price of one million input (prompt) tokens. */
		private BigDecimal inputPerMillion = BigDecimal.ZERO;

		/** Price of one million output (completion) tokens. */
		private BigDecimal outputPerMillion = BigDecimal.ZERO;

		public BigDecimal getInputPerMillion() {
			return this.inputPerMillion;
		}

		public void setInputPerMillion(BigDecimal inputPerMillion) {
			this.inputPerMillion = inputPerMillion;
		}

		public BigDecimal getOutputPerMillion() {
			return this.outputPerMillion;
		}

		public void setOutputPerMillion(BigDecimal outputPerMillion) {
			this.outputPerMillion = outputPerMillion;
		}

	}

	/** Filling the cache ahead of traffic. */
	public static class Warmup {

		/** Whether a warm-up runs in the background once the application has started. */
		private boolean onStartup = false;

		/** JSON-lines file of calls to make: {"bean":..,"method":..,"args":[..]} or {"prompt":..}. */
		private Resource file;

		/** Calls to make, as a JSON-lines file would give them. */
		private List<Call> calls = new ArrayList<>();

		/** Bean of the @LlmCached method that entries giving only a prompt call. */
		private String bean;

		/** @LlmCached method (one String argument) that entries giving only a prompt call. */
		private String method;

		/** Prompts for the configured bean and method. */
		private List<String> prompts = new ArrayList<>();

		/** How many warm-up calls run at once. */
		private int concurrency = 2;

		/** How often progress is logged. */
		private Duration progressInterval = Duration.ofSeconds(10);

		public boolean isOnStartup() {
			return this.onStartup;
		}

		public void setOnStartup(boolean onStartup) {
			this.onStartup = onStartup;
		}

		public Resource getFile() {
			return this.file;
		}

		public void setFile(Resource file) {
			this.file = file;
		}

		public List<Call> getCalls() {
			return this.calls;
		}

		public void setCalls(List<Call> calls) {
			this.calls = calls;
		}

		public String getBean() {
			return this.bean;
		}

		public void setBean(String bean) {
			this.bean = bean;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public List<String> getPrompts() {
			return this.prompts;
		}

		public void setPrompts(List<String> prompts) {
			this.prompts = prompts;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getProgressInterval() {
			return this.progressInterval;
		}

		public void setProgressInterval(Duration progressInterval) {
			this.progressInterval = progressInterval;
		}

	}

	/** One warm-up call. */
	public static class Call {

		/** Bean name. */
		private String bean;

		/** Method name. */
		private String method;

		/** Arguments, converted to the method's parameter types. */
		private List<Object> args = new ArrayList<>();

		public String getBean() {
			return this.bean;
		}

		public void setBean(String bean) {
			this.bean = bean;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public List<Object> getArgs() {
			return this.args;
		}

		public void setArgs(List<Object> args) {
			this.args = args;
		}

	}

	/** The servlet filter that maps request headers to per-call cache control. */
	public static class Web {

		/** Whether the filter is registered (servlet web applications only). */
		private boolean controlFilter = false;

		/** Header giving the lifetime of what the request stores (ISO-8601 or seconds). */
		private String ttlHeader = "X-LLM-Cache-TTL";

		/** Header giving the minimum similarity of a semantic hit; "off" disables the semantic tier. */
		private String semanticHeader = "X-LLM-Cache-Semantic";

		/** URL patterns the filter applies to. */
		private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

		public boolean isControlFilter() {
			return this.controlFilter;
		}

		public void setControlFilter(boolean controlFilter) {
			this.controlFilter = controlFilter;
		}

		public String getTtlHeader() {
			return this.ttlHeader;
		}

		public void setTtlHeader(String ttlHeader) {
			this.ttlHeader = ttlHeader;
		}

		public String getSemanticHeader() {
			return this.semanticHeader;
		}

		public void setSemanticHeader(String semanticHeader) {
			this.semanticHeader = semanticHeader;
		}

		public List<String> getUrlPatterns() {
			return this.urlPatterns;
		}

		public void setUrlPatterns(List<String> urlPatterns) {
			this.urlPatterns = urlPatterns;
		}

	}

}
