"""The PostgreSQL posting engine: one round trip per entry.

`payments_post_entry` does what payments.ledger's Python path does, inside the database: lock
the accounts in id order, answer an already used idempotency key with its entry, insert the
entry and its postings, move the balances. The CHECK on account balances refuses an overdraft
(the caller turns that into InsufficientFunds) and the deferred trigger checks the balance per
currency at commit. payments.ledger validates the lines before calling it.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION payments_post_entry(
  p_public_id uuid, p_tenant bigint, p_kind text, p_key text, p_actor bigint, p_memo text,
  p_reference text, p_accounts bigint[], p_amounts numeric[], p_currencies text[]
) RETURNS TABLE(entry_id bigint, replayed boolean) LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
BEGIN
  PERFORM 1 FROM payments_account WHERE id = ANY(p_accounts) ORDER BY id FOR UPDATE;
  SELECT e.id INTO v_entry FROM payments_entry e WHERE e.idempotency_key = p_key;
  IF FOUND THEN
    RETURN QUERY SELECT v_entry, true;
    RETURN;
  END IF;
  INSERT INTO payments_entry (public_id, tenant_id, kind, idempotency_key, actor_id, memo, reference, created_at)
    VALUES (p_public_id, p_tenant, p_kind, p_key, p_actor, p_memo, p_reference, now())
    RETURNING id INTO v_entry;
  INSERT INTO payments_posting (entry_id, account_id, tenant_id, amount, currency)
    SELECT v_entry, line.account, p_tenant, line.amount, line.currency
    FROM unnest(p_accounts, p_amounts, p_currencies) AS line(account, amount, currency);
  UPDATE payments_account AS account SET balance = account.balance + moved.delta
    FROM (SELECT line.account, sum(line.amount) AS delta
          FROM unnest(p_accounts, p_amounts) AS line(account, amount) GROUP BY line.account) AS moved
    WHERE account.id = moved.account;
  RETURN QUERY SELECT v_entry, false;
END $$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE.replace("%", "%%"))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS payments_post_entry(uuid, bigint, text, text, bigint, text, text, "
            "bigint[], numeric[], text[])"
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_idempotency_records")]

    operations = [migrations.RunPython(create, drop)]
