package dev.llmcache.warmup;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.llmcache.LlmCacheManager;
import dev.llmcache.interceptor.LlmCacheOperationSource;
import dev.llmcache.interceptor.LlmCachedOperation;
import dev.llmcache.key.CacheKey;
import dev.llmcache.tier.TieredCache;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fills the cache ahead of traffic by calling {@code @LlmCached} methods through their beans (so
 * each call is cached exactly as a real one would be).
 *
 * <p>Entries already cached are skipped without calling anything. At most {@code concurrency}
 * calls run at once; a failing entry is reported and the others go on. Progress (count, percent,
 * failures) is logged at INFO at most once per progress interval, and a summary at the end; prompts
 * and answers are never logged. One warm-up runs at a time. Thread-safe.
 */
public class LlmCacheWarmer {

	private static final Log logger = LogFactory.getLog(LlmCacheWarmer.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BeanFactory beans;

	private final LlmCacheOperationSource operations;

	private final LlmCacheManager manager;

	private final TieredCache cache;

	private final int concurrency;

	private final Duration progressInterval;

	private final Supplier<WarmupPlan> configured;

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile @Nullable WarmupReport lastReport;

	/**
	 * @param configured the plan {@link #startConfigured()} runs, read anew each time
	 * @param concurrency how many calls run at once, at least 1
	 */
	public LlmCacheWarmer(BeanFactory beans, LlmCacheOperationSource operations, LlmCacheManager manager,
			TieredCache cache, int concurrency, Duration progressInterval, Supplier<WarmupPlan> configured) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("llmcache.warmup.concurrency must be at least 1, got " + concurrency);
		}
		this.beans = beans;
		this.operations = operations;
		this.manager = manager;
		this.cache = cache;
		this.concurrency = concurrency;
		this.progressInterval = progressInterval;
		this.configured = configured;
	}

	public boolean isRunning() {
		return this.running.get();
	}

	/** The report of the last warm-up that finished, or null. */
	public @Nullable WarmupReport lastReport() {
		return this.lastReport;
	}

	/**
	 * Start the configured warm-up on a background thread.
	 * @return false if a warm-up is running already
	 */
	public boolean startConfigured() {
		return start(this.configured) != null;
	}

	/**
	 * Start a warm-up on a background thread.
	 * @return its report when done, or null if a warm-up is running already
	 */
	public @Nullable CompletableFuture<WarmupReport> start(Supplier<WarmupPlan> plan) {
		if (!this.running.compareAndSet(false, true)) {
			return null;
		}
		CompletableFuture<WarmupReport> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(runClaimed(plan.get()));
			}
			catch (Throwable ex) {
				this.running.set(false);
				logger.warn("llmcache warm-up could not start: " + ex);
				result.completeExceptionally(ex);
			}
		}, "llmcache-warmup");
		thread.setDaemon(true);
		thread.start();
		return result;
	}

	/**
	 * Run a warm-up on the calling thread (its calls on up to {@code concurrency} others).
	 * @throws IllegalStateException if a warm-up is running already
	 */
	public WarmupReport warm(WarmupPlan plan) {
		if (!this.running.compareAndSet(false, true)) {
			throw new IllegalStateException("A llmcache warm-up is running already");
		}
		return runClaimed(plan);
	}

	private WarmupReport runClaimed(WarmupPlan plan) {
		try {
			WarmupReport report = run(plan);
			this.lastReport = report;
			return report;
		}
		finally {
			this.running.set(false);
		}
	}

	private WarmupReport run(WarmupPlan plan) {
		long start = System.nanoTime();
		int total = plan.size();
		logger.info("llmcache warm-up: starting " + total + " entries, " + this.concurrency + " at a time");
		List<WarmupFailure> failures = Collections.synchronizedList(new ArrayList<>(plan.invalid()));
		for (WarmupFailure failure : plan.invalid()) {
			logger.warn("llmcache warm-up: " + failure.source() + " failed: " + failure.reason());
		}
		AtomicInteger done = new AtomicInteger(plan.invalid().size());
		AtomicInteger warmed = new AtomicInteger();
		AtomicInteger skipped = new AtomicInteger();
		AtomicInteger notStored = new AtomicInteger();
		AtomicLong lastProgress = new AtomicLong(System.nanoTime());
		AtomicInteger threadNumber = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(this.concurrency, runnable -> {
			Thread thread = new Thread(runnable, "llmcache-warmup-" + threadNumber.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try {
			List<CompletableFuture<Void>> calls = new ArrayList<>();
			for (WarmupEntry entry : plan.entries()) {
				calls.add(CompletableFuture.runAsync(() -> {
					try {
						switch (warmOne(entry)) {
							case WARMED -> warmed.incrementAndGet();
							case SKIPPED -> skipped.incrementAndGet();
							case NOT_STORED -> notStored.incrementAndGet();
						}
					}
					catch (Throwable ex) {
						WarmupFailure failure = new WarmupFailure(entry.source(), describe(ex));
						failures.add(failure);
						logger.warn("llmcache warm-up: " + failure.source() + " failed: " + failure.reason());
					}
					progress(done.incrementAndGet(), total, failures.size(), lastProgress);
				}, executor));
			}
			CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		}
		finally {
			executor.shutdownNow();
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		WarmupReport report = new WarmupReport(total, warmed.get(), skipped.get(), notStored.get(),
				List.copyOf(failures), millis);
		logger.info("llmcache warm-up: done in " + millis + " ms: " + report.warmed() + " warmed, " + report.skipped()
				+ " already cached, " + report.notStored() + " not cacheable, " + report.failed() + " failed, of "
				+ total);
		return report;
	}

	private void progress(int done, int total, int failed, AtomicLong lastProgress) {
		long now = System.nanoTime();
		long last = lastProgress.get();
		if (done < total && now - last >= this.progressInterval.toNanos() && lastProgress.compareAndSet(last, now)) {
			logger.info("llmcache warm-up: " + done + "/" + total + " (" + (done * 100 / total) + "%), " + failed
					+ " failed");
		}
	}

	private Result warmOne(WarmupEntry entry) throws Throwable {
		Object bean = this.beans.getBean(entry.bean());
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		LlmCachedOperation operation = findOperation(targetClass, entry);
		Method method = operation.method();
		Object[] args = convert(method, entry.args());
		CacheKey key = this.manager.keyFor(targetClass, method.getName(), args);
		if (this.cache.get(key, operation.valueType(), true).isHit()) {
			return Result.SKIPPED;
		}
		Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		try {
			ReflectionUtils.makeAccessible(invocable);
			invocable.invoke(bean, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
		return this.cache.get(key, operation.valueType(), true).isHit() ? Result.WARMED : Result.NOT_STORED;
	}

	private LlmCachedOperation findOperation(Class<?> targetClass, WarmupEntry entry) {
		List<LlmCachedOperation> found = new ArrayList<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass)) {
			if (method.getName().equals(entry.method()) && method.getParameterCount() == entry.args().size()
					&& this.operations.getOperation(method, targetClass) instanceof LlmCachedOperation operation) {
				found.add(operation);
			}
		}
		if (found.size() != 1) {
			throw new IllegalArgumentException(((found.isEmpty()) ? "No" : "More than one") + " @LlmCached method '"
					+ entry.method() + "' with " + entry.args().size() + " parameter(s) on bean '" + entry.bean()
					+ "' (" + targetClass.getName() + ")");
		}
		return found.get(0);
	}

	private static Object[] convert(Method method, List<?> args) {
		Type[] types = method.getGenericParameterTypes();
		Object[] converted = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			try {
				converted[i] = JSON.convertValue(args.get(i), JSON.constructType(types[i]));
			}
			catch (RuntimeException ex) {
				throw new IllegalArgumentException("argument " + i + " cannot be converted to " + types[i].getTypeName(),
						ex);
			}
		}
		return converted;
	}

	private static String describe(Throwable ex) {
		String message = ex.getMessage();
		return ex.getClass().getName() + ((message != null) ? ": " + message : "");
	}

	private enum Result {

		WARMED, SKIPPED, NOT_STORED

	}

}
