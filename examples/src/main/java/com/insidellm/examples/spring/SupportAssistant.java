package com.insidellm.examples.spring;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.UserMessage;

/** The LangChain4j AI service; one chat memory per user. */
interface SupportAssistant {

    @SystemMessage("You are the support assistant of an online shop. Look orders up with the tools.")
    String chat(@MemoryId String userId, @UserMessage String message);
}
