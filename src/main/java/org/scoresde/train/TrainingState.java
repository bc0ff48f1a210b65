package org.scoresde.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Where a training run stands after a round: the next (epoch, round) to train, the examples seen,
 * the seconds spent, and the number of EMA updates. Together with the network, its updater state
 * and the EMA weights it is everything a resumed run needs to continue exactly.
 */
public record TrainingState(int epoch, int round, long examples, double seconds, long emaUpdates, long rounds) {

  public static TrainingState start() {
    return new TrainingState(0, 0, 0, 0, 0, 0);
  }

  public String toJson() {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("epoch", epoch);
    o.put("round", round);
    o.put("examples", examples);
    o.put("seconds", seconds);
    o.put("ema_updates", emaUpdates);
    o.put("rounds", rounds);
    return o.toString();
  }

  public static TrainingState fromJson(String json) {
    try {
      var o = new ObjectMapper().readTree(json);
      return new TrainingState(o.get("epoch").asInt(), o.get("round").asInt(), o.get("examples").asLong(),
          o.get("seconds").asDouble(), o.get("ema_updates").asLong(), o.get("rounds").asLong());
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(new IOException("not a training state: " + e.getMessage()));
    }
  }
}
