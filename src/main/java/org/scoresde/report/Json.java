package org.scoresde.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.scoresde.config.UserError;

/**
 * Lenient field access for the JSON files of a run directory: an absent or null field reads as NaN
 * (or the given default), while a field of the wrong kind is a {@link UserError} naming file and field.
 */
final class Json {
  static final ObjectMapper MAPPER = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private Json() {}

  static JsonNode parse(String text, String source) {
    try {
      JsonNode n = MAPPER.readTree(text);
      if (n == null || n.isMissingNode()) {
        throw new UserError(source + " is empty; expected a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new UserError(source + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static JsonNode object(JsonNode n, String source) {
    if (!n.isObject()) {
      throw new UserError(source + " must hold a JSON object, found " + n.getNodeType().toString().toLowerCase());
    }
    return n;
  }

  static double number(JsonNode o, String field, String source) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return Double.NaN;
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      try {
        return Double.parseDouble(v.textValue().strip());
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw new UserError(source + ": field '" + field + "' must be a number, found " + v);
  }

  static long integer(JsonNode o, String field, long absent, String source) {
    double d = number(o, field, source);
    if (Double.isNaN(d)) {
      return absent;
    }
    if (d != Math.rint(d)) {
      throw new UserError(source + ": field '" + field + "' must be a whole number, found " + o.get(field));
    }
    return (long) d;
  }

  static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
  }
}
