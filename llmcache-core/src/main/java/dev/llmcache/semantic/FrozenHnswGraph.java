package dev.llmcache.semantic;

import java.io.IOException;
import java.util.Arrays;

import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * An HNSW graph that no longer changes, its links in compressed-sparse-row form: per level, one
 * {@code int[]} of every node's neighbours end to end and one of where each node's start. No
 * scores and no spare capacity: a node of level 0 costs 4 bytes of offset and 4 per neighbour,
 * where Lucene's {@code OnHeapHnswGraph} (which a builder needs, to insert nodes later) holds a
 * list of ids and one of scores per node and level, sized for growth, in objects of their own.
 *
 * <p>Searched with Lucene's {@code HnswGraphSearcher} through {@link #cursor()}, and the start of
 * a builder ({@code InitializedHnswGraphBuilder}) when it is merged with newer entries.
 *
 * <p>Immutable, hence safe to share between threads; a cursor is not, and is made per search.
 */
final class FrozenHnswGraph {

	private final int size;

	private final int entryNode;

	// Level 0: every node, 0 to size - 1; neighbours of node n at [offsets[n], offsets[n + 1]).
	private final int[] offsets0;

	private final int[] neighbours0;

	// Levels above 0 (index level - 1): the nodes of the level in ascending order, and their neighbours
	// at [offsets[i], offsets[i + 1]) for the node at index i.
	private final int[][] upperNodes;

	private final int[][] upperOffsets;

	private final int[][] upperNeighbours;

	private FrozenHnswGraph(int size, int entryNode, int[] offsets0, int[] neighbours0, int[][] upperNodes,
			int[][] upperOffsets, int[][] upperNeighbours) {
		this.size = size;
		this.entryNode = entryNode;
		this.offsets0 = offsets0;
		this.neighbours0 = neighbours0;
		this.upperNodes = upperNodes;
		this.upperOffsets = upperOffsets;
		this.upperNeighbours = upperNeighbours;
	}

	/**
	 * The links of a graph that nothing writes to meanwhile, copied at their exact size.
	 * @param graph a graph whose nodes are 0 to {@code graph.size() - 1} on level 0
	 */
	static FrozenHnswGraph copyOf(HnswGraph graph) throws IOException {
		int size = graph.size();
		int levels = graph.numLevels();
		int[] offsets0 = new int[size + 1];
		int[] neighbours0 = links(graph, 0, identity(size), offsets0);
		int[][] upperNodes = new int[levels - 1][];
		int[][] upperOffsets = new int[levels - 1][];
		int[][] upperNeighbours = new int[levels - 1][];
		for (int level = 1; level < levels; level++) {
			int[] nodes = HnswGraph.NodesIterator.getSortedNodes(graph.getNodesOnLevel(level));
			upperNodes[level - 1] = nodes;
			upperOffsets[level - 1] = new int[nodes.length + 1];
			upperNeighbours[level - 1] = links(graph, level, nodes, upperOffsets[level - 1]);
		}
		return new FrozenHnswGraph(size, (size == 0) ? -1 : graph.entryNode(), offsets0, neighbours0, upperNodes,
				upperOffsets, upperNeighbours);
	}

	private static int[] identity(int size) {
		int[] nodes = new int[size];
		Arrays.setAll(nodes, i -> i);
		return nodes;
	}

	private static int[] links(HnswGraph graph, int level, int[] nodes, int[] offsets) throws IOException {
		int[] neighbours = new int[Math.max(16, nodes.length * 8)];
		int at = 0;
		for (int i = 0; i < nodes.length; i++) {
			offsets[i] = at;
			graph.seek(level, nodes[i]);
			for (int neighbour = graph.nextNeighbor(); neighbour != Integer.MAX_VALUE; neighbour = graph.nextNeighbor()) {
				if (at == neighbours.length) {
					neighbours = Arrays.copyOf(neighbours, neighbours.length + (neighbours.length >> 1));
				}
				neighbours[at++] = neighbour;
			}
		}
		offsets[nodes.length] = at;
		return Arrays.copyOf(neighbours, at);
	}

	int size() {
		return this.size;
	}

	/** A view of this graph for one search (or one copy) at a time: it keeps its place in a neighbour list. */
	HnswGraph cursor() {
		return new Cursor();
	}

	private final class Cursor extends HnswGraph {

		private int[] neighbours = new int[0];

		private int upto;

		private int end;

		@Override
		public void seek(int level, int target) {
			if (level == 0) {
				this.neighbours = FrozenHnswGraph.this.neighbours0;
				this.upto = FrozenHnswGraph.this.offsets0[target];
				this.end = FrozenHnswGraph.this.offsets0[target + 1];
				return;
			}
			int i = Arrays.binarySearch(FrozenHnswGraph.this.upperNodes[level - 1], target);
			if (i < 0) {
				throw new IllegalArgumentException("node " + target + " is not on level " + level);
			}
			int[] offsets = FrozenHnswGraph.this.upperOffsets[level - 1];
			this.neighbours = FrozenHnswGraph.this.upperNeighbours[level - 1];
			this.upto = offsets[i];
			this.end = offsets[i + 1];
		}

		@Override
		public int nextNeighbor() {
			return (this.upto < this.end) ? this.neighbours[this.upto++] : Integer.MAX_VALUE;
		}

		@Override
		public int size() {
			return FrozenHnswGraph.this.size;
		}

		@Override
		public int numLevels() {
			return FrozenHnswGraph.this.upperNodes.length + 1;
		}

		@Override
		public int entryNode() {
			return FrozenHnswGraph.this.entryNode;
		}

		@Override
		public NodesIterator getNodesOnLevel(int level) {
			if (level == 0) {
				return new ArrayNodesIterator(FrozenHnswGraph.this.size);
			}
			int[] nodes = FrozenHnswGraph.this.upperNodes[level - 1];
			return new ArrayNodesIterator(nodes, nodes.length);
		}

	}

}
