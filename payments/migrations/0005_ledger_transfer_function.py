"""The two-account posting function behind payments.ledger.transfer() on PostgreSQL.

Same guarantees as payments_post_entry (accounts locked in id order, idempotency key answered
with its entry, balances checked by the CHECK constraint and the deferred balance trigger), with
plain parameters and no arrays: transfers are the most common entry.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION payments_post_transfer(
  p_public_id uuid, p_tenant bigint, p_kind text, p_key text, p_actor bigint, p_memo text,
  p_reference text, p_source bigint, p_destination bigint, p_amount numeric, p_currency text,
  OUT o_entry bigint, OUT o_replayed boolean
) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM payments_account WHERE id IN (p_source, p_destination) ORDER BY id FOR UPDATE;
  INSERT INTO payments_entry (public_id, tenant_id, kind, idempotency_key, actor_id, memo, reference, created_at)
    VALUES (p_public_id, p_tenant, p_kind, p_key, p_actor, p_memo, p_reference, now())
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id INTO o_entry;
  IF o_entry IS NULL THEN
    SELECT e.id INTO o_entry FROM payments_entry e WHERE e.idempotency_key = p_key;
    o_replayed := true;
    RETURN;
  END IF;
  o_replayed := false;
  INSERT INTO payments_posting (entry_id, account_id, tenant_id, amount, currency) VALUES
    (o_entry, p_source, p_tenant, -p_amount, p_currency),
    (o_entry, p_destination, p_tenant, p_amount, p_currency);
  UPDATE payments_account SET balance = balance - p_amount WHERE id = p_source;
  UPDATE payments_account SET balance = balance + p_amount WHERE id = p_destination;
END $$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE.replace("%", "%%"))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS payments_post_transfer(uuid, bigint, text, text, bigint, text, text, "
            "bigint, bigint, numeric, text)"
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_ledger_post_function")]

    operations = [migrations.RunPython(create, drop)]
