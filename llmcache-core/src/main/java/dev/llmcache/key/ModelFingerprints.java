package dev.llmcache.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.util.Assert;

/**
 * Fingerprints of the application's chat models, so that the configured model is part of every
 * key: a method that calls {@code ChatClient} inside, with no {@code Prompt} argument, is still
 * keyed by the model that answers it, and changing {@code spring.ai.*.chat.options.model} (or the
 * temperature) moves its keys instead of serving the old model's answers.
 *
 * <p>A model's fingerprint is the SHA-256 of the canonical form of its class and its default
 * options, transport-only options left out (credentials and URLs never enter it; see
 * {@code docs/keys.md}). The rule for several models: a method that names its model
 * ({@code @LlmCached(chatModel = "beanName")}) gets that model's fingerprint; one that does not gets
 * the fingerprint of all models together, sorted by bean name, so a change to any of them moves
 * its keys.
 *
 * <p>Fingerprints are computed on first use (the chat models are then fully configured) and kept.
 * Thread-safe.
 */
public final class ModelFingerprints {

	private static final Log logger = LogFactory.getLog(ModelFingerprints.class);

	/** No models known: keys carry no fingerprint. */
	public static final ModelFingerprints NONE = new ModelFingerprints(Map::of);

	private final Supplier<Map<String, ? extends ChatModel>> models;

	private volatile @Nullable Map<String, String> fingerprints;

	private volatile @Nullable String all;

	private final Set<String> warnedUnknown = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/**
	 * @param models the chat models by bean name, asked for once, on first use
	 */
	public ModelFingerprints(Supplier<Map<String, ? extends ChatModel>> models) {
		Assert.notNull(models, "models must not be null");
		this.models = models;
	}

	/**
	 * @param chatModel the bean name of the model a method uses, or null for the rule above
	 * @return the fingerprint, or null when the application has no chat model. A name that no
	 * chat model has (checked at startup where the names are known) gets the fingerprint of all
	 * models together, which still moves with every model's configuration
	 */
	public @Nullable String fingerprint(@Nullable String chatModel) {
		Map<String, String> known = fingerprints();
		if (chatModel != null) {
			String fingerprint = known.get(chatModel);
			if (fingerprint != null) {
				return fingerprint;
			}
			if (this.warnedUnknown.add(chatModel)) {
				logger.warn("llmcache: no ChatModel bean named '" + chatModel + "' (the chat models are "
						+ known.keySet() + "); keying by all of them");
			}
		}
		return this.all;
	}

	/** The bean names of the known chat models. */
	public Set<String> names() {
		return fingerprints().keySet();
	}

	private Map<String, String> fingerprints() {
		Map<String, String> known = this.fingerprints;
		if (known == null) {
			synchronized (this) {
				known = this.fingerprints;
				if (known == null) {
					known = new TreeMap<>();
					for (Map.Entry<String, ? extends ChatModel> model : this.models.get().entrySet()) {
						known.put(model.getKey(), of(model.getValue()));
					}
					known = java.util.Collections.unmodifiableMap(known);
					this.all = combine(known);
					this.fingerprints = known;
				}
			}
		}
		return known;
	}

	private static @Nullable String combine(Map<String, String> fingerprints) {
		if (fingerprints.isEmpty()) {
			return null;
		}
		if (fingerprints.size() == 1) {
			return fingerprints.values().iterator().next();
		}
		MessageDigest digest = CanonicalValueWriter.newDigest();
		fingerprints.forEach((name, fingerprint) -> digest
			.update((name + "=" + fingerprint + "\n").getBytes(StandardCharsets.UTF_8)));
		return CanonicalValueWriter.hex(digest.digest());
	}

	/**
	 * The fingerprint of one model: its class and its default options in canonical form.
	 */
	public static String of(ChatModel model) {
		Assert.notNull(model, "model must not be null");
		ChatOptions options;
		try {
			options = model.getDefaultOptions();
		}
		catch (RuntimeException ex) {
			options = null;
		}
		CanonicalJsonWriter.ByteArraySink sink = new CanonicalJsonWriter.ByteArraySink();
		CanonicalJsonWriter json = new CanonicalJsonWriter(sink);
		json.beginObject();
		json.name("@type");
		json.stringValue(model.getClass().getName());
		json.name("options");
		try {
			CanonicalJsonWriter.ByteArraySink optionsSink = new CanonicalJsonWriter.ByteArraySink();
			CanonicalJsonWriter optionsJson = new CanonicalJsonWriter(optionsSink);
			new CanonicalValueWriter(optionsJson, null).writeValue(options, 1);
			optionsJson.flush();
			json.rawValue(optionsSink.toByteArray());
		}
		catch (Unkeyable ex) {
			// Default options that cannot be keyed (a default tool context): the model name still is.
			logger.warn("llmcache: the default options of " + model.getClass().getName()
					+ " cannot all be keyed (" + ex.getMessage() + "); its fingerprint holds its model name only");
			json.stringValue("model:" + ((options != null) ? options.getModel() : null));
		}
		json.endObject();
		json.flush();
		MessageDigest digest = CanonicalValueWriter.newDigest();
		digest.update(sink.toByteArray());
		return CanonicalValueWriter.hex(digest.digest());
	}

	@Override
	public String toString() {
		Map<String, String> known = this.fingerprints;
		return "ModelFingerprints[" + ((known != null) ? known.keySet() : "not computed yet") + "]";
	}

}
