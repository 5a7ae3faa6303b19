package dev.llmcache.semantic;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.util.hnsw.HnswGraph;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FrozenHnswGraphTests {

	private final Random random = new Random(7);

	private final List<float[]> vectors = new ArrayList<>();

	@Test
	void aFrozenCopyHasTheLinksOfTheGraphItWasCopiedFromOnEveryLevel() throws IOException {
		OnHeapHnswGraph graph = graphOf(3000);
		HnswGraph frozen = FrozenHnswGraph.copyOf(graph).cursor();
		assertThat(frozen.size()).isEqualTo(3000);
		assertThat(frozen.numLevels()).isEqualTo(graph.numLevels()).isGreaterThan(1);
		assertThat(frozen.entryNode()).isEqualTo(graph.entryNode());
		for (int level = 0; level < graph.numLevels(); level++) {
			int[] nodes = HnswGraph.NodesIterator.getSortedNodes(graph.getNodesOnLevel(level));
			assertThat(HnswGraph.NodesIterator.getSortedNodes(frozen.getNodesOnLevel(level))).isEqualTo(nodes);
			for (int node : nodes) {
				assertThat(neighbours(frozen, level, node)).as("level %d, node %d", level, node)
					.isEqualTo(neighbours(graph, level, node));
			}
		}
		int notOnLevel1 = 0;
		while (java.util.Arrays.binarySearch(HnswGraph.NodesIterator.getSortedNodes(graph.getNodesOnLevel(1)),
				notOnLevel1) >= 0) {
			notOnLevel1++;
		}
		int absent = notOnLevel1;
		assertThatIllegalArgumentException().isThrownBy(() -> frozen.seek(1, absent))
			.withMessage("node " + absent + " is not on level 1");
	}

	@Test
	void searchesOfAFrozenCopyFindWhatSearchesOfTheGraphFind() throws IOException {
		OnHeapHnswGraph graph = graphOf(3000);
		FrozenHnswGraph frozen = FrozenHnswGraph.copyOf(graph);
		for (int q = 0; q < 100; q++) {
			float[] query = unit();
			RandomVectorScorer scorer = scorer(query);
			TopKnnCollector fromFrozen = new TopKnnCollector(10, Integer.MAX_VALUE);
			HnswGraphSearcher.search(scorer, fromFrozen, frozen.cursor(), null);
			var fromGraph = HnswGraphSearcher.search(scorer, 10, graph, null, Integer.MAX_VALUE);
			assertThat(fromFrozen.topDocs().scoreDocs).extracting(d -> d.doc)
				.containsExactlyElementsOf(java.util.Arrays.stream(fromGraph.topDocs().scoreDocs).map(d -> d.doc).toList());
		}
	}

	private static List<Integer> neighbours(HnswGraph graph, int level, int node) throws IOException {
		graph.seek(level, node);
		List<Integer> found = new ArrayList<>();
		for (int n = graph.nextNeighbor(); n != Integer.MAX_VALUE; n = graph.nextNeighbor()) {
			found.add(n);
		}
		return found;
	}

	private OnHeapHnswGraph graphOf(int size) throws IOException {
		for (int i = 0; i < size; i++) {
			this.vectors.add(unit());
		}
		HnswGraphBuilder builder = HnswGraphBuilder.create(new InMemorySemanticIndexTests.BetweenVectors(this.vectors), InMemorySemanticIndex.MAX_CONN,
				InMemorySemanticIndex.BEAM_WIDTH, 42);
		for (int i = 0; i < size; i++) {
			builder.addGraphNode(i);
		}
		return builder.getGraph();
	}

	private RandomVectorScorer scorer(float[] query) {
		return new InMemorySemanticIndexTests.BetweenVectors(this.vectors).scorer(query);
	}

	private float[] unit() {
		float[] v = new float[32];
		for (int i = 0; i < v.length; i++) {
			v[i] = (float) this.random.nextGaussian();
		}
		return EmbeddingCache.normalize(v);
	}

}
