package com.customervalue.segments.privacy;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.unhex;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pseudonymous customer ids for teams whose BI users must not see real ones: HMAC-SHA256 of the id
 * under a secret key, as 64 hex characters. Built from Spark's sha2 over binary (RFC 2104: H(K ^
 * opad || H(K ^ ipad || id))), so it runs as native expressions, not a UDF. The same id and key
 * always give the same pseudonym, so snapshots and tables still join; without the key the ids
 * cannot be recovered or tried.
 */
public final class Pseudonyms {
  private static final int BLOCK = 64;

  private Pseudonyms() {}

  /**
   * The customer ids as published: their pseudonyms under {@code key}, or the ids themselves
   * without one.
   */
  public static UnaryOperator<Column> publishedIds(Optional<PseudonymKey> key) {
    return id -> key.map(secret -> keyedHash(id, secret)).orElse(id);
  }

  /** The pseudonym of {@code id} (taken as text); null stays null. */
  public static Column keyedHash(Column id, PseudonymKey key) {
    byte[] block = block(key.bytes());
    byte[] inner = new byte[BLOCK];
    byte[] outer = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      inner[i] = (byte) (block[i] ^ 0x36);
      outer[i] = (byte) (block[i] ^ 0x5c);
    }
    Column message = encode(id.cast(DataTypes.StringType), "UTF-8");
    Column innerHash = unhex(sha2(concat(lit(inner), message), 256));
    return sha2(concat(lit(outer), innerHash), 256);
  }

  /** The key as one SHA-256 block: hashed if longer, zero-padded. */
  private static byte[] block(byte[] key) {
    byte[] material = key;
    if (key.length > BLOCK) {
      try {
        material = MessageDigest.getInstance("SHA-256").digest(key);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
      }
    }
    byte[] block = new byte[BLOCK];
    System.arraycopy(material, 0, block, 0, material.length);
    return block;
  }
}
