package dev.llmcache.autoconfigure;

import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * Sizes in log lines as people write them in {@code application.yml} ({@code 64MB}), not as
 * {@link DataSize#toString()} prints them ({@code 67108864B}).
 */
final class DataSizes {

	private static final DataUnit[] LARGEST_FIRST = { DataUnit.TERABYTES, DataUnit.GIGABYTES, DataUnit.MEGABYTES,
			DataUnit.KILOBYTES };

	private static final String[] SUFFIXES = { "TB", "GB", "MB", "KB" };

	private DataSizes() {
	}

	/** In the largest unit that holds it exactly: {@code 64MB}, {@code 1536KB}, {@code 1000B}. */
	static String format(DataSize size) {
		long bytes = size.toBytes();
		for (int i = 0; i < LARGEST_FIRST.length; i++) {
			long unit = DataSize.of(1, LARGEST_FIRST[i]).toBytes();
			if (bytes != 0 && bytes % unit == 0) {
				return (bytes / unit) + SUFFIXES[i];
			}
		}
		return bytes + "B";
	}

}
