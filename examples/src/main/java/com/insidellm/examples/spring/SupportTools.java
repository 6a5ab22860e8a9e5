package com.insidellm.examples.spring;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import org.springframework.stereotype.Component;

/** The tools the model may call; each delegates to a backend service. */
@Component
class SupportTools {

    private final OrderBackend orders;

    SupportTools(OrderBackend orders) {
        this.orders = orders;
    }

    @Tool("Returns the shipping status of an order")
    String orderStatus(@P("the order number, such as AB-1234") String orderNumber) {
        return orders.status(orderNumber);
    }
}
