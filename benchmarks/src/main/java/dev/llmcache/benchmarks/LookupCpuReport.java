package dev.llmcache.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.llmcache.semantic.IndexedRequest;
import dev.llmcache.semantic.InMemorySemanticIndex;

/**
 * Measured, not a JMH benchmark: the CPU time and the bytes allocated per exact-scan lookup of the
 * in-process index ({@code nearest}, 5 candidates at 0.85), per bucket size and vector form, by the
 * calling thread's own CPU clock. On a shared machine wall times (JMH's) vary several fold with the
 * load; a thread's CPU time varies far less, so this compares two versions of the scan where JMH
 * cannot. Random 384-dimensional unit vectors; queries are stored vectors slightly moved (hits).
 * Writes Markdown to standard output.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.llmcache.benchmarks.LookupCpuReport [sizes...]</pre>
 */
public final class LookupCpuReport {

	private static final int LOOKUPS = 4000;

	public static void main(String[] args) {
		int[] sizes = (args.length > 0) ? new int[args.length] : new int[] { 200, 2000 };
		for (int i = 0; i < args.length; i++) {
			sizes[i] = Integer.parseInt(args[i].replace("_", ""));
		}
		System.out.println("| bucket size | vectors | CPU per lookup | allocated per lookup |");
		System.out.println("| ---: | --- | ---: | ---: |");
		for (int size : sizes) {
			for (InMemorySemanticIndex.Vectors form : InMemorySemanticIndex.Vectors.values()) {
				measure(size, form);
			}
		}
	}

	private static void measure(int size, InMemorySemanticIndex.Vectors form) {
		InMemorySemanticIndex index = new InMemorySemanticIndex(Integer.MAX_VALUE, Integer.MAX_VALUE,
				Integer.MAX_VALUE, form, Runnable::run);
		SplittableRandom random = new SplittableRandom(1);
		float[][] stored = new float[size][];
		for (int i = 0; i < size; i++) {
			stored[i] = unit(random);
			index.add(new IndexedRequest("b", "ns", null, String.format("%064x", i),
					"how do I reset the password of account " + i, stored[i], Long.MAX_VALUE));
		}
		float[][] queries = new float[256][];
		for (int i = 0; i < queries.length; i++) {
			queries[i] = stored[random.nextInt(size)].clone();
			queries[i][0] += 0.05f;
		}
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		double cpu = 0;
		long allocated = 0;
		long found = 0;
		// Two rounds to warm up, then four measured.
		for (int round = 0; round < 6; round++) {
			long cpuBefore = threads.getCurrentThreadCpuTime();
			long allocatedBefore = threads.getThreadAllocatedBytes(thread);
			for (int i = 0; i < LOOKUPS; i++) {
				found += index.nearest("b", "", queries[i & 255], 5, 0.85).size();
			}
			if (round >= 2) {
				cpu += (threads.getCurrentThreadCpuTime() - cpuBefore) / 1000.0 / LOOKUPS;
				allocated += (threads.getThreadAllocatedBytes(thread) - allocatedBefore) / LOOKUPS;
			}
		}
		if (found == 0) {
			throw new IllegalStateException("no lookup found its entry");
		}
		System.out.printf(Locale.ROOT, "| %,d | %s | %.1f us | %,d B |%n", size, form.name().toLowerCase(Locale.ROOT),
				cpu / 4, allocated / 4);
	}

	private static float[] unit(SplittableRandom random) {
		float[] v = new float[384];
		double sum = 0;
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) random.nextGaussian();
			sum += v[i] * v[i];
		}
		double norm = Math.sqrt(sum);
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) (v[i] / norm);
		}
		return v;
	}

}
