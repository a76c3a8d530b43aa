"""Every write of the payments app; money moves only through payments.ledger."""
