/**
 * The InsideLLM local collector: an ingestion server speaking the InsideLLM wire protocol, a SQLite event store on
 * the user's machine, a JSON query API, a live tail and a browser viewer. Start it with {@link
 * com.insidellm.collector.CollectorMain} from the command line or embed it with {@link
 * com.insidellm.collector.InsideLlmCollector#builder()}.
 */
@NullMarked
package com.insidellm.collector;

import org.jspecify.annotations.NullMarked;
