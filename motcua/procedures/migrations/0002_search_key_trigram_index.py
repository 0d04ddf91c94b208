"""On PostgreSQL, a trigram index on ``Procedure.search_key``, so that the catalogue search
(``search_key LIKE '%word%'`` for every word of the query) reads the index instead of every
row; on 10,000 procedures it takes the query from milliseconds to a fraction of one
(bench/RESULTS.md). Nothing on SQLite, where a scan of the catalogue is fast enough.

The index is an optimisation only: when the database user may not create the pg_trgm
extension (it is a trusted extension from PostgreSQL 13, so a database owner may), the
migration leaves it out and the search works as before, only slower.
"""

from typing import Any

from django.db import DatabaseError, migrations, transaction

INDEX = "procedures_procedure_search_key_trgm"


def create_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON procedures_procedure "
                "USING gin (search_key gin_trgm_ops)"
            )
    except DatabaseError:
        pass


def drop_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
