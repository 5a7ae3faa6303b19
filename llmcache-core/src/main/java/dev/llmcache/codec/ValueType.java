package dev.llmcache.codec;

import java.lang.reflect.Type;
import java.util.Objects;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.core.ResolvableType;

/**
 * The declared type of a cached method's value, resolved once per method.
 *
 * <p>Decoding always goes through this declared type, never through a class name found in stored
 * bytes, so stored data can never choose which class gets instantiated.
 */
public final class ValueType {

	private final Type genericType;

	private final Class<?> rawType;

	private final ValueKind kind;

	private final String storedName;

	private ValueType(Type genericType) {
		this.genericType = genericType;
		this.rawType = Objects.requireNonNull(ResolvableType.forType(genericType).resolve(Object.class));
		if (this.rawType == String.class) {
			this.kind = ValueKind.STRING;
		}
		else if (ChatResponse.class.isAssignableFrom(this.rawType)) {
			this.kind = ValueKind.CHAT_RESPONSE;
		}
		else {
			this.kind = ValueKind.JSON;
		}
		this.storedName = ResolvableType.forType(genericType).toString();
	}

	public static ValueType of(Type genericType) {
		return new ValueType(genericType);
	}

	public Type genericType() {
		return this.genericType;
	}

	public Class<?> rawType() {
		return this.rawType;
	}

	public ValueKind kind() {
		return this.kind;
	}

	/**
	 * The type as written into an envelope, such as {@code java.util.List<com.example.Faq>}: a
	 * stored value whose type name differs no longer fits the method and is treated as a miss.
	 */
	public String storedName() {
		return this.storedName;
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof ValueType that && this.storedName.equals(that.storedName));
	}

	@Override
	public int hashCode() {
		return this.storedName.hashCode();
	}

	@Override
	public String toString() {
		return this.storedName;
	}

}
