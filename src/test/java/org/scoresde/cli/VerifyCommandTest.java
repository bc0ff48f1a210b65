package org.scoresde.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerifyCommandTest {

  @Test
  void verifyJsonReportsEveryCheckAndPasses() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.execute("verify", "--json", "--only", "sde,time,score", "--seed", "7");
    } finally {
      System.setOut(old);
    }
    JsonNode root = new ObjectMapper().readTree(buf.toString(StandardCharsets.UTF_8));
    assertEquals(0, rc, root.toPrettyString());
    assertTrue(root.get("pass").asBoolean());
    assertEquals(3 + 4 + 12, root.get("checks").size());
    for (JsonNode c : root.get("checks")) {
      assertTrue(c.get("value").asDouble() <= c.get("tolerance").asDouble(), c.toString());
    }
  }

  @Test
  void unknownKeyIsOneErrorLine() {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = Main.execute("verify", "--set", "no.such.key=1");
    } finally {
      System.setErr(old);
    }
    assertEquals(2, rc);
    String err = buf.toString(StandardCharsets.UTF_8).strip();
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("error: unknown configuration key 'no.such.key'"), err);
  }
}
