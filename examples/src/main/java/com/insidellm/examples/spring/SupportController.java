package com.insidellm.examples.spring;

import java.io.IOException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /chat} with {@code {"userId": "...", "message": "..."}}. */
@RestController
class SupportController {

    private final SupportService support;

    SupportController(SupportService support) {
        this.support = support;
    }

    @PostMapping("/chat")
    SupportService.Reply chat(@RequestBody SupportService.Chat chat) throws IOException, InterruptedException {
        return support.handle(chat);
    }
}
