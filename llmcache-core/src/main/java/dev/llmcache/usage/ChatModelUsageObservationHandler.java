package dev.llmcache.usage;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.observation.ChatModelObservationContext;

/**
 * Feeds the usage of every Spring AI chat model call into the {@link ModelUsageRecorder} open on
 * the calling thread. Spring AI chat models emit one {@link ChatModelObservationContext} per call,
 * with the response and its usage, to the application's {@code ObservationRegistry}; registered
 * there (Spring Boot registers every {@code ObservationHandler} bean), this handler lets entries
 * of methods that return text keep the tokens they cost.
 *
 * <p>Streaming calls report their usage when the stream completes, possibly on another thread:
 * they are not recorded. Stateless and thread-safe.
 */
public class ChatModelUsageObservationHandler implements ObservationHandler<ChatModelObservationContext> {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ChatModelObservationContext;
	}

	@Override
	public void onStop(ChatModelObservationContext context) {
		if (!ModelUsageRecorder.isRecording()) {
			return;
		}
		ChatResponse response = context.getResponse();
		ChatResponseMetadata metadata = (response != null) ? response.getMetadata() : null;
		Usage usage = (metadata != null) ? metadata.getUsage() : null;
		if (usage == null) {
			return;
		}
		String model = metadata.getModel();
		if ((model == null || model.isEmpty()) && context.getRequest().getOptions() != null) {
			model = context.getRequest().getOptions().getModel();
		}
		ModelUsageRecorder.record(model, zeroIfNull(usage.getPromptTokens()), zeroIfNull(usage.getCompletionTokens()));
	}

	private static long zeroIfNull(@Nullable Integer value) {
		return (value != null) ? value : 0;
	}

}
