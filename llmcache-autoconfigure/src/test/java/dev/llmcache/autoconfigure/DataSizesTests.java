package dev.llmcache.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class DataSizesTests {

	@Test
	void sizesArePrintedAsTheyAreWritten() {
		assertThat(DataSizes.format(DataSize.parse("64MB"))).isEqualTo("64MB");
		assertThat(DataSizes.format(DataSize.parse("1GB"))).isEqualTo("1GB");
		assertThat(DataSizes.format(DataSize.parse("1536KB"))).isEqualTo("1536KB");
		assertThat(DataSizes.format(DataSize.parse("1000"))).isEqualTo("1000B");
		assertThat(DataSizes.format(DataSize.ofBytes(0))).isEqualTo("0B");
	}

}
