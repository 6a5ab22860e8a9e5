/**
 * The OTLP/HTTP traces receiver ({@code POST /v1/traces}): decodes protobuf or JSON export requests, turns GenAI
 * spans into wire-format events and hands them to the ingest path. Internal.
 */
@NullMarked
package com.insidellm.collector.otlp;

import org.jspecify.annotations.NullMarked;
