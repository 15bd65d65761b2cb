package com.customervalue.segments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code generate --model}: its flags are documented, and wrong combinations are refused. */
class GenerateCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private String refusal(String... args) {
    err.reset();
    int exit =
        new SegmentsCli(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .execute(args);
    assertEquals(2, exit, String.join(" ", args));
    return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
  }

  @Test
  void helpDocumentsTheModelFlagsWithTheirDefaults() {
    for (String line :
        new String[] {
          "--model M",
          "--bgnbd r,alpha,a,b",
          "0.2426,4.414,0.7929,2.426",
          "--pareto-nbd r,alpha,s,beta",
          "0.5534,10.58,0.6061,11.66",
          "--gamma-gamma p,q,gamma",
          "6.25,3.74,15.44"
        }) {
      assertTrue(SegmentsCli.USAGE.contains(line), line);
    }
  }

  @Test
  void modelFlagsAreCheckedBeforeSparkStarts() {
    assertEquals(
        "segments: --transactions does not apply with --model: each customer buys as often as"
            + " the model draws; --customers sets the size",
        refusal(
            "generate",
            "--model",
            "bgnbd",
            "--customers",
            "10",
            "--transactions",
            "50",
            "--output",
            "x"));
    assertEquals(
        "segments: --model must be bgnbd or pareto-nbd, got 'bg-nbd'",
        refusal("generate", "--model", "bg-nbd", "--customers", "10", "--output", "x"));
    assertEquals(
        "segments: --bgnbd must be 4 numbers r,alpha,a,b, got '0.24,4.4,0.79'",
        refusal(
            "generate",
            "--model",
            "bgnbd",
            "--bgnbd",
            "0.24,4.4,0.79",
            "--customers",
            "10",
            "--output",
            "x"));
    assertEquals(
        "segments: --gamma-gamma q must be a finite number above 0, got -1.0",
        refusal(
            "generate",
            "--model",
            "pareto-nbd",
            "--gamma-gamma",
            "6,-1,15",
            "--customers",
            "10",
            "--output",
            "x"));
    assertEquals(
        "segments: --bgnbd does not apply with --model pareto-nbd",
        refusal(
            "generate",
            "--model",
            "pareto-nbd",
            "--bgnbd",
            "1,1,1,1",
            "--customers",
            "10",
            "--output",
            "x"));
    assertEquals(
        "segments: --pareto-nbd applies only with --model",
        refusal(
            "generate",
            "--pareto-nbd",
            "1,1,1,1",
            "--customers",
            "10",
            "--transactions",
            "5",
            "--output",
            "x"));
    assertEquals(
        "segments: --customers is required",
        refusal("generate", "--model", "pareto-nbd", "--output", "x"));
  }
}
