/**
 * LangChain4j integration: records model calls, tool calls, retrievals and AI-service invocations.
 *
 * <p>Start with {@link com.insidellm.langchain4j.InsideLlmChatModelListener#create(com.insidellm.InsideLlmClient)}
 * for plain models, or {@link com.insidellm.langchain4j.InsideLlmLangChain4j#create(com.insidellm.InsideLlmClient)}
 * for AI services.
 */
@NullMarked
package com.insidellm.langchain4j;

import org.jspecify.annotations.NullMarked;
