package dev.llmcache.sample;

/** Properties that keep the demo's tests fast: short simulated latency, no startup workload. */
final class DemoTestProperties {

	static final String FAST_LATENCY = "llmcache.demo.simulated-latency=30ms";

	static final String NO_STARTUP_WORKLOAD = "llmcache.demo.workload=false";

	private DemoTestProperties() {
	}

}
