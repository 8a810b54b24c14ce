package io.cpm.jobs.ingest;

/**
 * A set of longs by open addressing with linear probing (8 bytes per slot, at most half full): remembers
 * every key hash of a file of millions of rows in a fraction of what boxed keys would take.
 */
final class LongSet {
  private long[] slots = new long[1 << 10];
  private boolean hasZero;
  private int size;

  /** Adds a value; false if it was already present. */
  boolean add(long value) {
    if (value == 0) {
      boolean added = !hasZero;
      hasZero = true;
      return added;
    }
    int mask = slots.length - 1;
    int i = (int) (value ^ (value >>> 32)) * 0x9E3779B9 & mask;
    while (slots[i] != 0) {
      if (slots[i] == value) {
        return false;
      }
      i = (i + 1) & mask;
    }
    slots[i] = value;
    if (++size * 2 > slots.length) {
      grow();
    }
    return true;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = 0;
    for (long value : old) {
      if (value != 0) {
        add(value);
      }
    }
  }
}
