package com.insidellm.examples.spring;

import com.insidellm.spring.TrackToolUse;
import org.springframework.stereotype.Service;

/** Stands in for the shop's order API. */
@Service
class OrderBackend {

    // README: @TrackToolUse
    @TrackToolUse(name = "order_api", type = "api")       // tool.call, then tool.response with the result and time
    String status(String orderNumber) {
        return orderNumber + " left the warehouse yesterday and arrives on Tuesday";
    }
    // end README
}
