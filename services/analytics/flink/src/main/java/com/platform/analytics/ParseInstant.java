package com.platform.analytics;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * An RFC 3339 date-time ("2030-01-01T10:00:00Z", "2030-01-01T12:00:00.250+02:00") as an instant, the way the events'
 * `ts` and the orders' `occurredAt` travel; null when the text is no such date-time.
 */
public class ParseInstant extends ScalarFunction {
  public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String text) {
    if (text == null) return null;
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
