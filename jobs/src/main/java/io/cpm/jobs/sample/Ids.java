package io.cpm.jobs.sample;

/**
 * Business keys in the style of the source systems: a prefix and a zero-padded running number. Numbers
 * are handed out in generation order (customer by customer), so the same seed gives the same keys.
 */
final class Ids {
  private long leads;
  private long opportunities;
  private long activities;
  private long responses;
  private long orders;
  private long invoices;
  private long contracts;
  private long tickets;

  static String customer(long index) {
    return pad("C", index, 7);
  }

  String lead() {
    return pad("L", ++leads, 8);
  }

  String opportunity() {
    return pad("OP", ++opportunities, 8);
  }

  String activity() {
    return pad("A", ++activities, 10);
  }

  String response() {
    return pad("N", ++responses, 9);
  }

  String order() {
    return pad("O", ++orders, 9);
  }

  String invoice() {
    return pad("INV", ++invoices, 9);
  }

  String contract() {
    return pad("CT", ++contracts, 8);
  }

  String ticket() {
    return pad("T", ++tickets, 9);
  }

  static String owner(int number) {
    return pad("S", number, 3);
  }

  private static String pad(String prefix, long number, int width) {
    String digits = Long.toString(number);
    StringBuilder key = new StringBuilder(prefix.length() + Math.max(width, digits.length())).append(prefix);
    for (int i = digits.length(); i < width; i++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }
}
