package dev.llmcache.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo itself, under {@code llmcache.demo.*}.
 */
@ConfigurationProperties("llmcache.demo")
public class DemoProperties {

	/** How long the simulated model takes to answer a call (a stream spreads it over its chunks). */
	private Duration simulatedLatency = Duration.ofSeconds(1);

	/** Whether to play the scripted workload at startup. */
	private boolean workload = true;

	/** Whether to stop once the workload has printed its table, instead of serving the dashboard. */
	private boolean exitAfterWorkload = false;

	/**
	 * Whether to use Redis as L2: "auto" uses it only when spring.data.redis.host, port or url is
	 * set; "off" never does. See RedisChoice.
	 */
	private String redis = "auto";

	/** Price of one million input tokens in dollars (default: gpt-4o-mini), for "dollars saved". */
	private double inputPricePerMillion = 0.15;

	/** Price of one million output tokens in dollars (default: gpt-4o-mini). */
	private double outputPricePerMillion = 0.60;

	public Duration getSimulatedLatency() {
		return this.simulatedLatency;
	}

	public void setSimulatedLatency(Duration simulatedLatency) {
		this.simulatedLatency = simulatedLatency;
	}

	public boolean isWorkload() {
		return this.workload;
	}

	public void setWorkload(boolean workload) {
		this.workload = workload;
	}

	public boolean isExitAfterWorkload() {
		return this.exitAfterWorkload;
	}

	public void setExitAfterWorkload(boolean exitAfterWorkload) {
		this.exitAfterWorkload = exitAfterWorkload;
	}

	public String getRedis() {
		return this.redis;
	}

	public void setRedis(String redis) {
		this.redis = redis;
	}

	public double getInputPricePerMillion() {
		return this.inputPricePerMillion;
	}

	public void setInputPricePerMillion(double inputPricePerMillion) {
		this.inputPricePerMillion = inputPricePerMillion;
	}

	public double getOutputPricePerMillion() {
		return this.outputPricePerMillion;
	}

	public void setOutputPricePerMillion(double outputPricePerMillion) {
		this.outputPricePerMillion = outputPricePerMillion;
	}

}
