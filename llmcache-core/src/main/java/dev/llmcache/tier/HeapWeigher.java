package dev.llmcache.tier;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Weigher;
import dev.llmcache.codec.CachedValue;
import dev.llmcache.key.CacheKey;
import org.jspecify.annotations.Nullable;

/**
 * Weighs an L1 entry by the heap it retains: the key, the {@link CachedValue} and the object graph
 * of the cached value (strings, records, Spring AI's {@code ChatResponse}, lists, maps...), plus
 * what the cache itself spends per entry. The bound {@code llmcache.l1.max-size} then holds for the
 * heap, not for the size of the encoded entry, which for a decoded {@code ChatResponse} is less
 * than half of what it retains.
 *
 * <p>How: application objects are walked by reflection over their instance fields (a layout per
 * class, computed once), each object counted once; JDK collections and maps, whose fields are not
 * open to reflection, are sized from their element count with the per-element costs of their
 * implementation, and their elements walked. Enums, classes and other shared constants count
 * nothing. The object header, reference size and alignment are read from the running JVM
 * (compressed oops and class pointers, compact headers). Collection costs and the per-entry
 * overhead are taken from JOL measurements on JDK 17 and 25 ({@code HeapWeigherTests} checks the
 * estimate against JOL within 25%). A walk stops counting after {@value #MAX_OBJECTS} objects.
 *
 * <p>Costs a walk of the value per store (microseconds for a {@code ChatResponse}); stores follow a
 * model call or an L2 read. Thread-safe and stateless.
 */
public final class HeapWeigher implements Weigher<CacheKey, CachedValue> {

	/** Objects counted at most per value; a larger graph weighs what its first ones weigh. */
	static final int MAX_OBJECTS = 100_000;

	/**
	 * What one entry costs Caffeine besides its key and value (its node with access order and
	 * weight, the hash table's node and slot). Measured with JOL on a {@link LocalTier} of 300
	 * entries, JDK 17 with compressed oops: 407 bytes retained per entry of a 6-character string,
	 * of which key, entry and value are 327.
	 */
	static final int ENTRY_OVERHEAD = 80;

	static final Layout LAYOUT = Layout.ofRunningJvm();

	private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
		@Override
		protected Shape computeValue(Class<?> type) {
			return Shape.of(type);
		}
	};

	@Override
	public int weigh(CacheKey key, CachedValue value) {
		Walk walk = new Walk();
		// The namespace comes from the operation: one string shared by all its entries.
		walk.seen.put(key.namespace(), Boolean.TRUE);
		walk.reach(key);
		walk.reach(value);
		return (int) Math.min(Integer.MAX_VALUE, ENTRY_OVERHEAD + walk.run());
	}

	/** Estimated bytes retained by the given roots together, each object counted once. */
	public static long retainedSize(Object... roots) {
		Walk walk = new Walk();
		for (Object root : roots) {
			walk.reach(root);
		}
		return walk.run();
	}

	private static final class Walk {

		private final IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();

		private final ArrayDeque<Object> pending = new ArrayDeque<>();

		private long bytes;

		void reach(@Nullable Object value) {
			if (value == null || isShared(value) || this.seen.size() >= MAX_OBJECTS) {
				return;
			}
			if (this.seen.put(value, Boolean.TRUE) == null) {
				this.pending.push(value);
			}
		}

		long run() {
			Object next;
			while ((next = this.pending.poll()) != null) {
				this.bytes += visit(next);
			}
			return this.bytes;
		}

		private long visit(Object value) {
			Class<?> type = value.getClass();
			if (type == String.class) {
				return stringSize((String) value);
			}
			if (type.isArray()) {
				return arraySize(value, type.getComponentType());
			}
			if (isClosedJdkType(type)) {
				if (value instanceof Map<?, ?> map) {
					return mapSize(map);
				}
				if (value instanceof Collection<?> collection) {
					return collectionSize(collection);
				}
				// Boxed numbers, BigDecimal's and Instant's few fields: the shallow size is the size.
				return SHAPES.get(type).size;
			}
			Shape shape = SHAPES.get(type);
			for (Field field : shape.references) {
				try {
					reach(field.get(value));
				}
				catch (IllegalAccessException | RuntimeException ex) {
					// A field closed to reflection: its object is not counted.
				}
			}
			return shape.size;
		}

		private long arraySize(Object array, Class<?> component) {
			int length = java.lang.reflect.Array.getLength(array);
			if (!component.isPrimitive()) {
				Object[] elements = (Object[]) array;
				for (Object element : elements) {
					reach(element);
				}
				return LAYOUT.array(length, LAYOUT.reference);
			}
			return LAYOUT.array(length, primitiveSize(component));
		}

		private long mapSize(Map<?, ?> map) {
			int size = map.size();
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				reach(entry.getKey());
				reach(entry.getValue());
			}
			return LAYOUT.mapOverhead(map, size);
		}

		private long collectionSize(Collection<?> collection) {
			int size = collection.size();
			for (Object element : collection) {
				reach(element);
			}
			return LAYOUT.collectionOverhead(collection, size);
		}

	}

	private static long stringSize(String text) {
		boolean latin1 = true;
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) > 0xFF) {
				latin1 = false;
				break;
			}
		}
		return LAYOUT.string + LAYOUT.array(text.length(), latin1 ? 1 : 2);
	}

	// Shared by every user of the class or interned by the JDK: never retained by one entry.
	private static boolean isShared(Object value) {
		return value instanceof Enum<?> || value instanceof Class<?> || value instanceof Boolean
				|| (value instanceof Integer number && number >= -128 && number <= 127)
				|| (value instanceof Long number && number >= -128 && number <= 127);
	}

	private static boolean isClosedJdkType(Class<?> type) {
		Module module = type.getModule();
		return module.isNamed() && module.getName().startsWith("java.");
	}

	static int primitiveSize(Class<?> type) {
		if (type == long.class || type == double.class) {
			return 8;
		}
		if (type == int.class || type == float.class) {
			return 4;
		}
		if (type == short.class || type == char.class) {
			return 2;
		}
		return 1;
	}

	/** Instance size and the reference fields of a class. */
	private static final class Shape {

		final long size;

		final List<Field> references;

		private Shape(long size, List<Field> references) {
			this.size = size;
			this.references = references;
		}

		static Shape of(Class<?> type) {
			long fields = 0;
			List<Field> references = new ArrayList<>();
			boolean open = !isClosedJdkType(type);
			for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
				for (Field field : c.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers())) {
						continue;
					}
					if (field.getType().isPrimitive()) {
						fields += primitiveSize(field.getType());
					}
					else {
						fields += LAYOUT.reference;
						if (open && trySetAccessible(field)) {
							references.add(field);
						}
					}
				}
			}
			return new Shape(LAYOUT.align(LAYOUT.header + fields), List.copyOf(references));
		}

		private static boolean trySetAccessible(Field field) {
			try {
				return field.trySetAccessible();
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

	}

	/** The object layout of the running JVM (HotSpot's, by default 64-bit with compressed oops). */
	static final class Layout {

		final int header;

		final int reference;

		final int arrayBase;

		final int alignment;

		final long string;

		Layout(int header, int reference, int arrayBase, int alignment) {
			this.header = header;
			this.reference = reference;
			this.arrayBase = arrayBase;
			this.alignment = alignment;
			// hash, coder, hashIsZero and the byte[] reference.
			this.string = align(header + 4 + 1 + 1 + reference);
		}

		static Layout ofRunningJvm() {
			boolean compressedOops = flag("UseCompressedOops", true);
			boolean compressedClasses = flag("UseCompressedClassPointers", true);
			boolean compactHeaders = flag("UseCompactObjectHeaders", false);
			int alignment = 8;
			try {
				alignment = Integer.parseInt(vmOption("ObjectAlignmentInBytes", "8"));
			}
			catch (NumberFormatException ex) {
				// The default.
			}
			int header = compactHeaders ? 8 : (compressedClasses ? 12 : 16);
			int reference = compressedOops ? 4 : 8;
			int arrayBase = compactHeaders ? 12 : (compressedClasses ? 16 : 24);
			return new Layout(header, reference, arrayBase, alignment);
		}

		private static boolean flag(String name, boolean otherwise) {
			return Boolean.parseBoolean(vmOption(name, Boolean.toString(otherwise)));
		}

		private static String vmOption(String name, String otherwise) {
			try {
				return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
					.getVMOption(name)
					.getValue();
			}
			catch (RuntimeException | LinkageError ex) {
				// Not HotSpot, or an option this JVM does not have.
				return otherwise;
			}
		}

		long align(long size) {
			return (size + this.alignment - 1) / this.alignment * this.alignment;
		}

		long array(int length, int elementSize) {
			return align(this.arrayBase + (long) length * elementSize);
		}

		// Collection costs below are JOL measurements (see the class comment), in references.
		long collectionOverhead(Collection<?> collection, int size) {
			String name = collection.getClass().getName();
			if (collection instanceof TreeSet<?>) {
				return align(this.header + 2 * this.reference) + treeMap(size);
			}
			if (collection instanceof LinkedHashSet<?>) {
				return align(this.header + this.reference) + linkedHashMap(size);
			}
			if (collection instanceof java.util.HashSet<?>) {
				return align(this.header + this.reference) + hashMap(size);
			}
			if (name.startsWith("java.util.ImmutableCollections$Set")) {
				// Open addressing at twice the size.
				return align(this.header + 2 * this.reference) + array(2 * size, this.reference);
			}
			if (name.startsWith("java.util.Collections$Unmodifiable")
					|| name.startsWith("java.util.Collections$Synchronized")) {
				// A wrapper around a list we cannot see: counted as an array list behind it.
				return align(this.header + 2 * this.reference) + arrayList(size);
			}
			// ArrayList (grown by half each time: about 1.1 slots per element on average),
			// List.of and anything else list-like: an array of references behind a small object.
			return arrayList(size);
		}

		private long arrayList(int size) {
			return align(this.header + 4 + 4 + this.reference) + array(size + size / 10, this.reference);
		}

		long mapOverhead(Map<?, ?> map, int size) {
			String name = map.getClass().getName();
			if (map instanceof TreeMap<?, ?>) {
				return treeMap(size);
			}
			if (map instanceof LinkedHashMap<?, ?>) {
				return linkedHashMap(size);
			}
			if (map instanceof ConcurrentHashMap<?, ?>) {
				return align(this.header + 2 * 8 + 4 * 4 + 4 * this.reference) + table(size) + size * node();
			}
			if (name.startsWith("java.util.ImmutableCollections$Map")) {
				return align(this.header + 2 * this.reference) + array(4 * size, this.reference);
			}
			if (name.startsWith("java.util.Collections$")) {
				return align(this.header + 4 * this.reference) + hashMap(size);
			}
			return hashMap(size);
		}

		// HashMap's node: hash, key, value, next.
		private long node() {
			return align(this.header + 4 + 3 * this.reference);
		}

		private long table(int size) {
			if (size == 0) {
				return 0;
			}
			int slots = Integer.highestOneBit(Math.max(1, (int) (size / 0.75f)) * 2 - 1);
			return array(Math.max(16, slots), this.reference);
		}

		private long hashMap(int size) {
			return align(this.header + 4 * 4 + 4 + 4 * this.reference) + table(size) + size * node();
		}

		private long linkedHashMap(int size) {
			return align(this.header + 4 * 4 + 4 + 1 + 6 * this.reference) + table(size)
					+ size * align(this.header + 4 + 5 * this.reference);
		}

		private long treeMap(int size) {
			return align(this.header + 8 + 7 * this.reference)
					+ size * align(this.header + 1 + 5 * this.reference);
		}

	}

}
