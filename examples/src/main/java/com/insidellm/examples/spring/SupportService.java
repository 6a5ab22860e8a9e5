package com.insidellm.examples.spring;

import com.insidellm.spring.TrackRun;
import java.io.IOException;
import java.util.List;
import org.springframework.stereotype.Service;

/** Handles one chat message: one run per request, for the user who sent it. */
@Service
class SupportService {

    private final Planner planner;
    private final TitleWriter titles;
    private final SupportAssistant assistant;

    SupportService(Planner planner, TitleWriter titles, SupportAssistant assistant) {
        this.planner = planner;
        this.titles = titles;
        this.assistant = assistant;
    }

    /** A chat message and its reply. */
    record Chat(String userId, String message) {}

    record Reply(String title, List<String> plan, String answer) {}

    // README: @TrackRun
    @TrackRun(userId = "#chat.userId()")                  // run.start ... run.end; nested calls join the run
    Reply handle(Chat chat) throws IOException, InterruptedException {
        List<String> plan = planner.plan(chat.message());
        String title = titles.title(chat.message());
        String answer = assistant.chat(chat.userId(), chat.message());
        return new Reply(title, plan, answer);
    }
    // end README
}
