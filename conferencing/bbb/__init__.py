"""A small typed client for the BigBlueButton API (works the same against BBB or Scalelite)."""
