"""A team on one PostgreSQL store: each member connects as their own database role, and the
server itself keeps everyone in their lane (row-level security), whatever client they run.

``team init`` makes three group roles per database (``<db>_annotator``, ``<db>_reviewer``,
``<db>_lead``), grants each what it may touch, and puts a policy on every table that holds
someone's work:

- everyone reads everything;
- an annotator writes only rows of their own layer (the annotator whose name is their role's);
- a reviewer writes the gold layer as well, and adjudication decisions;
- a lead writes everything, schema, documents, assignments and blind mode included;
- in blind mode (:mod:`db.assignments`) an annotator reads only their own layer of a
  document (spans, relations, document labels, verdicts, decisions, journal rows) until it
  goes to review: every annotator assigned to it marked it done (:func:`_seen`); reviewers
  and leads read everything.

Roles are made without passwords by Counterclaim's hand unless one is given (the server keeps
only its SCRAM hash); members keep theirs in libpq's password file (~/.pgpass), never in a URL.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from annotate.errors import StoreError
from annotate.model import GOLD
from annotate.strings import check_name
from db.assignments import BLIND
from db.store import Store

ROLES = ("annotator", "reviewer", "lead")
LANES = {"spans": "annotator_id", "relations": "annotator_id", "doc_labels": "annotator_id",
         "document_status": "annotator_id", "journal": "annotator_id",
         "decisions": "decided_by_id", "verdicts": "annotator_id"}
"""Tables of someone's work, and the column naming whose."""
SHARED = ("journal_documents", "deleted", "settings", "document_words", "suggestions",
          "actors", "actor_links", "events", "event_documents")
"""Tables every member writes: as a side effect of their own edits (journal documents,
tombstones, the search index), the suggestion layer (nobody's work), and the corpus's actors
and events, which every analyst curates (each change journaled under its maker's name)."""
BLIND_READS = {"spans": ("annotator_id", "document_id"),
               "relations": ("annotator_id", "document_id"),
               "doc_labels": ("annotator_id", "document_id"),
               "verdicts": ("annotator_id", "document_id"),
               "decisions": ("decided_by_id", "document_id"),
               "journal": ("annotator_id",
                           "(SELECT d.id FROM documents AS d WHERE d.uid = journal.document_uid)")}
"""Tables of someone's work that blind mode hides from other annotators: the columns naming
whose, and which document."""
MAY_WRITE = "counterclaim_may_write"


ROLE_BYTES = 63
"""The longest role name PostgreSQL keeps, in UTF-8 bytes: it cuts a longer one short."""


def groups(conn: Connection) -> dict[str, str]:
    """The group role of each of ``ROLES`` for this database, by role."""
    database = conn.scalar(text("SELECT current_database()"))
    found = {role: f"{database}_{role}" for role in ROLES}
    for name in found.values():
        _check_role_name(name, f"the database {database!r} has too long a name for a team: "
                               "its group role")
    return found


def _check_role_name(name: str, what: str) -> None:
    """StoreError unless ``name`` fits a role name whole (PostgreSQL would cut it short, and
    the member's annotator, of the whole name, would not be theirs)."""
    size = len(name.encode("utf-8"))
    if size > ROLE_BYTES:
        raise StoreError(f"{what} {name!r} is {size} bytes long in UTF-8; a PostgreSQL role "
                         f"name holds at most {ROLE_BYTES}")


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}))


def on_server(store: Store) -> bool:
    """Whether ``store`` is on a PostgreSQL server (where a team works)."""
    return store.engine.dialect.name == "postgresql"


def _server(store: Store) -> None:
    if not on_server(store):
        raise StoreError(f"{store.location}: a team works on a PostgreSQL store, not a file")


def init(store: Store) -> list[str]:
    """Make the group roles (if missing), grants and policies of ``store``'s database; run
    by the role owning the store's tables, which may create roles. Returns the group roles.
    Running it again brings grants and policies up to date."""
    _server(store)
    with store._write() as conn:
        names = groups(conn)
        quote = conn.dialect.identifier_preparer.quote
        quoted = {role: quote(name) for role, name in names.items()}
        for role, name in names.items():
            if not _role_exists(conn, name):
                conn.execute(text(f"CREATE ROLE {quoted[role]} NOLOGIN"))
        everyone = ", ".join(quoted.values())
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {everyone}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}"))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}"))
        own = ", ".join((*LANES, *SHARED))
        conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {own} TO {everyone}"))
        conn.execute(text(f"GRANT INSERT ON annotators TO {everyone}"))
        conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON decisions FROM {quoted['annotator']}"))
        conn.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {quoted['lead']}"))
        # tables a later migration adds (this role runs them): read by all, written by leads
        conn.execute(text("ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                          f"GRANT SELECT ON TABLES TO {everyone}"))
        conn.execute(text("ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                          f"GRANT ALL ON TABLES TO {quoted['lead']}"))
        lead, reviewer = _literal(names["lead"]), _literal(names["reviewer"])
        conn.execute(text(
            f"CREATE OR REPLACE FUNCTION {MAY_WRITE}(who integer) RETURNS boolean "
            "LANGUAGE sql STABLE AS $$ "
            f"SELECT pg_has_role(current_user, {lead}, 'MEMBER') OR EXISTS ("
            "SELECT 1 FROM annotators AS a WHERE a.id = who AND (a.name = current_user "
            f"OR (a.name = {_literal(GOLD)} "
            f"AND pg_has_role(current_user, {reviewer}, 'MEMBER')))) $$"))
        for table, column in LANES.items():
            _policies(conn, table, f"{MAY_WRITE}({column})",
                      _seen(table, *BLIND_READS[table], lead, reviewer)
                      if table in BLIND_READS else "true")
        is_lead = f"pg_has_role(current_user, {lead}, 'MEMBER')"
        _policies(conn, "assignments", is_lead)
        _policies(conn, "settings", f"key <> {_literal(BLIND)} OR {is_lead}")
        _policies(conn, "annotators",
                  f"name = current_user OR pg_has_role(current_user, {lead}, 'MEMBER') OR "
                  f"(name = {_literal(GOLD)} "
                  f"AND pg_has_role(current_user, {reviewer}, 'MEMBER'))")
    return list(names.values())


def _seen(table: str, who: str, document: str, lead: str, reviewer: str) -> str:
    """The read policy of ``table`` (``who``: the column naming whose row, ``document``: an
    expression of its document's id): every row, but in blind mode an annotator reads only
    their own and those of documents gone to review (:func:`annotate.assignment.in_review`).
    Written out, not as a function: the session's facts are then read once per query, and a
    document's assignments by index per row (an SQL function cost 0.2 ms a row)."""
    who = f"{table}.{who}"
    doc = f"{table}.{document}" if document.isidentifier() else document
    return (
        "(SELECT NOT EXISTS (SELECT 1 FROM settings "
        f"WHERE key = {_literal(BLIND)} AND value = 'on')) "
        f"OR (SELECT pg_has_role(current_user, {lead}, 'MEMBER') "
        f"OR pg_has_role(current_user, {reviewer}, 'MEMBER')) "
        f"OR {who} = (SELECT a.id FROM annotators AS a WHERE a.name = current_user) "
        f"OR (EXISTS (SELECT 1 FROM assignments AS x WHERE x.document_id = {doc}) "
        f"AND NOT EXISTS (SELECT 1 FROM assignments AS x WHERE x.document_id = {doc} "
        "AND NOT EXISTS (SELECT 1 FROM document_status AS s WHERE s.document_id = x.document_id "
        "AND s.annotator_id = x.annotator_id AND s.state = 'done')))"
    )


def _literal(value: str) -> str:
    """``value`` as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _policies(conn: Connection, table: str, lane: str, seen: str = "true") -> None:
    """Row-level security on ``table``: rows meeting ``seen`` read, only rows meeting
    ``lane`` written. The write policies are for writes only: one for every command (as
    ``team init`` made them before blind mode) would be checked on every row read too."""
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(text(f"DROP POLICY IF EXISTS everyone_reads ON {table}"))
    conn.execute(text(f"CREATE POLICY everyone_reads ON {table} FOR SELECT USING ({seen})"))
    conn.execute(text(f"DROP POLICY IF EXISTS own_lane ON {table}"))
    for command, rule in (("insert", f"WITH CHECK ({lane})"), ("delete", f"USING ({lane})"),
                          ("update", f"USING ({lane}) WITH CHECK ({lane})")):
        conn.execute(text(f"DROP POLICY IF EXISTS own_lane_{command} ON {table}"))
        conn.execute(text(f"CREATE POLICY own_lane_{command} ON {table} FOR {command.upper()} "
                          f"{rule}"))


def add(store: Store, name: str, role: str, password: str | None = None) -> None:
    """Add the member ``name`` (their login role, and their annotator of the same name) as an
    annotator, reviewer or lead; a member already there changes role. ``password`` is sent to
    the server, which keeps its hash; None leaves the role's password as it is."""
    _server(store)
    check_name(name, "member")
    _check_role_name(name, "the member name")
    if role not in ROLES:
        raise StoreError(f"a member is one of {', '.join(ROLES)}, not {role!r}")
    with store._write() as conn:
        names = groups(conn)
        quote = conn.dialect.identifier_preparer.quote
        if not _role_exists(conn, names[role]):
            raise StoreError(f"{store.location}: not set up for a team: run team init first")
        member = quote(name)
        if _role_exists(conn, name):
            for other in names.values():
                conn.execute(text(f"REVOKE {quote(other)} FROM {member}"))
        else:
            conn.execute(text(f"CREATE ROLE {member} LOGIN"))
        if password is not None:
            conn.execute(text(f"ALTER ROLE {member} PASSWORD {_literal(password)}"))
        conn.execute(text(f"GRANT {quote(names[role])} TO {member}"))
        database = quote(conn.scalar(text("SELECT current_database()")))
        conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {member}"))
        store.names.annotator_id(conn, name)


def members(store: Store) -> dict[str, str]:
    """Each member's role (annotator, reviewer or lead), by name."""
    _server(store)
    with store._read() as conn:
        roles = {name: role for role, name in groups(conn).items()}
        rows = conn.execute(text(
            "SELECT m.rolname, g.rolname FROM pg_auth_members AS am "
            "JOIN pg_roles AS m ON m.oid = am.member JOIN pg_roles AS g ON g.oid = am.roleid"))
        return {name: roles[g] for name, g in rows if g in roles}


def standing(store: Store) -> tuple[str, bool]:
    """The role ``store`` is opened as, and whether it may manage assignments and blind mode:
    a member of the lead group, the owner of the tables (who set the team up), or a superuser
    (the server's row-level security lets exactly these write them)."""
    _server(store)
    with store._read() as conn:
        lead = groups(conn)["lead"]
        row = conn.execute(text(
            "SELECT current_user, r.rolsuper "
            "OR pg_has_role(current_user, c.relowner, 'MEMBER') "
            "OR EXISTS (SELECT 1 FROM pg_roles AS g WHERE g.rolname = :lead "
            "AND pg_has_role(current_user, g.oid, 'MEMBER')) "
            "FROM pg_roles AS r, pg_class AS c "
            "WHERE r.rolname = current_user AND c.oid = to_regclass('assignments')"),
            {"lead": lead}).one()
        return str(row[0]), bool(row[1])
