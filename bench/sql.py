"""Small SQL helpers for the scale generators (PostgreSQL, psycopg 3 cursors)."""

# Rows per COPY / bulk chunk: memory stays flat at any size.
CHUNK = 5000


def insert_missing(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    """One INSERT … ON CONFLICT DO NOTHING per chunk (for the small tables)."""
    cols = ", ".join(columns)
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(chunk))
        flat = [value for row in chunk for value in row]
        cursor.execute(
            f"INSERT INTO {table} ({cols}) VALUES {placeholders} ON CONFLICT DO NOTHING", flat
        )


def ids_by_slug(cursor, table: str, slugs: list[str]) -> list[int]:
    cursor.execute(f"SELECT slug, id FROM {table} WHERE slug = ANY(%s)", [slugs])
    found = dict(cursor.fetchall())
    return [found[slug] for slug in slugs]


def next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def reset_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"(SELECT coalesce(max(id), 1) FROM {table}))"
    )


def copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)
