package com.customervalue.segments;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parsed command line: the subcommand and its {@code --flag value} (or {@code --flag=value})
 * pairs, each checked against the flags the subcommand knows, with typed accessors whose errors
 * name the flag.
 */
record CommandLine(String command, Optional<String> argument, Map<String, String> flags) {

  /** Commands that take one argument before or among their flags (the query of {@code sql}). */
  private static final Set<String> WITH_ARGUMENT = Set.of("sql");

  static CommandLine parse(
      String[] args, Map<String, Set<String>> flagsByCommand, Set<String> switches) {
    if (args.length == 0) {
      throw new UsageException("no command given");
    }
    String command = args[0];
    Set<String> known = flagsByCommand.get(command);
    if (known == null) {
      throw new UsageException("unknown command '" + command + "'");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    String argument = null;
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        if (!WITH_ARGUMENT.contains(command) || argument != null) {
          throw new UsageException("unexpected argument '" + arg + "'");
        }
        argument = arg;
        continue;
      }
      String name = arg.substring(2);
      String value;
      int equals = name.indexOf('=');
      if (switches.contains(equals >= 0 ? name.substring(0, equals) : name)) {
        if (equals >= 0) {
          throw new UsageException("--" + name.substring(0, equals) + " takes no value");
        }
        value = "true";
      } else if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        throw new UsageException("--" + name + " needs a value");
      }
      if (!known.contains(name)) {
        throw new UsageException("unknown flag --" + name + " for '" + command + "'");
      }
      if (flags.put(name, value) != null) {
        throw new UsageException("--" + name + " is given twice");
      }
    }
    return new CommandLine(command, Optional.ofNullable(argument), flags);
  }

  /** Whether a switch (a flag without value, such as {@code --no-report}) was given. */
  boolean has(String flag) {
    return flags.containsKey(flag);
  }

  Optional<String> text(String flag) {
    return Optional.ofNullable(flags.get(flag));
  }

  String requiredText(String flag) {
    return text(flag).orElseThrow(() -> new UsageException("--" + flag + " is required"));
  }

  Optional<LocalDate> date(String flag) {
    return text(flag)
        .map(
            value -> {
              try {
                return LocalDate.parse(value);
              } catch (DateTimeParseException e) {
                throw new UsageException(
                    "--" + flag + " must be a date YYYY-MM-DD, got '" + value + "'");
              }
            });
  }

  Optional<Long> wholeNumber(String flag, long minimum) {
    return text(flag)
        .map(
            value -> {
              long number;
              try {
                number = Long.parseLong(value.replace("_", ""));
              } catch (NumberFormatException e) {
                throw new UsageException(
                    "--" + flag + " must be a whole number, got '" + value + "'");
              }
              if (number < minimum) {
                throw new UsageException(
                    "--" + flag + " must be at least " + minimum + ", got " + number);
              }
              return number;
            });
  }

  Optional<Double> decimalNumber(String flag, double minimum) {
    return text(flag)
        .map(
            value -> {
              double number;
              try {
                number = Double.parseDouble(value);
              } catch (NumberFormatException e) {
                throw new UsageException("--" + flag + " must be a number, got '" + value + "'");
              }
              if (!(number >= minimum) || Double.isInfinite(number)) {
                throw new UsageException(
                    "--"
                        + flag
                        + " must be a finite number of at least "
                        + minimum
                        + ", got "
                        + value);
              }
              return number;
            });
  }

  /**
   * A comma-separated list of exactly {@code names.length} numbers, e.g. {@code --bgnbd
   * 0.24,4.4,0.79,2.4}; the error names the flag and the expected list.
   */
  Optional<double[]> numbers(String flag, String... names) {
    return text(flag)
        .map(
            value -> {
              String[] parts = value.split(",", -1);
              double[] numbers = new double[parts.length];
              try {
                for (int i = 0; i < parts.length; i++) {
                  numbers[i] = Double.parseDouble(parts[i].trim());
                }
              } catch (NumberFormatException e) {
                numbers = null;
              }
              if (numbers == null || numbers.length != names.length) {
                throw new UsageException(
                    "--"
                        + flag
                        + " must be "
                        + names.length
                        + " numbers "
                        + String.join(",", names)
                        + ", got '"
                        + value
                        + "'");
              }
              return numbers;
            });
  }
}
