"""PostgreSQL guards of the ledger, in addition to the checks in payments.ledger:

- postings and entries can never be updated or deleted (corrections are new entries);
- at commit, every entry's postings sum to zero per currency (a deferred constraint trigger),
  whatever code wrote them.
SQLite (the embedded default) relies on the code checks and `manage.py ledger_verify`.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION payments_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are immutable: % on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER payments_posting_immutable BEFORE UPDATE OR DELETE ON payments_posting
  FOR EACH ROW EXECUTE FUNCTION payments_refuse_change();
CREATE TRIGGER payments_entry_immutable BEFORE UPDATE OR DELETE ON payments_entry
  FOR EACH ROW EXECUTE FUNCTION payments_refuse_change();

CREATE FUNCTION payments_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT currency, SUM(amount) AS total INTO bad
    FROM payments_posting WHERE entry_id = NEW.entry_id
    GROUP BY currency HAVING SUM(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'entry % does not balance in %: %', NEW.entry_id, bad.currency, bad.total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER payments_posting_balanced AFTER INSERT ON payments_posting
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments_entry_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS payments_posting_balanced ON payments_posting;
DROP FUNCTION IF EXISTS payments_entry_balanced();
DROP TRIGGER IF EXISTS payments_entry_immutable ON payments_entry;
DROP TRIGGER IF EXISTS payments_posting_immutable ON payments_posting;
DROP FUNCTION IF EXISTS payments_refuse_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Django passes the SQL through the driver's parameter formatting: escape plpgsql's %.
        schema_editor.execute(CREATE.replace("%", "%%"))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
