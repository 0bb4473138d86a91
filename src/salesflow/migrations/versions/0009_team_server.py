"""A team on one server (SPEC §15): the shared pool (公海) on both backends; on PostgreSQL
the salesflow group roles, their grants and the row-level security policies.

Pool (both backends): customer.pool_on, the day an idle customer of a rep returns to the
pool (stored and indexed: the `pool` agenda kind reads a range of it, like next_due_at),
customer.claimed_at (taking a customer from the pool counts as contact), and pool_move,
every move in and out of the pool (who lost a customer when: the claim lockout).

PostgreSQL only, after the tables exist:
- group roles salesflow_rep, salesflow_manager, … (one per salesflow role; cluster-wide,
  created once, shared by every salesflow database of the server), granted the same table
  privileges; what a login may see and change is decided per database by the policies,
  from this database's `user` table (salesflow_role()), never from group membership alone
  (a person may be a rep here and a manager in another database of the server);
- CONNECT on this database is revoked from PUBLIC: a login reaches it only once `user
  add` grants it (and `user remove` revokes it);
- row-level security on every table that holds or hangs off a customer (found by its
  foreign keys, so tables of other migrations are covered too), on the audit trail
  (append-only: INSERT and SELECT are granted, never UPDATE or DELETE) and on the team's
  shared tables (settings, users, targets: everyone reads, managers and gm write);
- approvals and solution reviews may be inserted only by a login whose role is the step;
- a deferred constraint trigger keeps a contract from being approved or signed without
  the approvals of its round, whatever the route (psql included).

The database owner and superusers (the administrator who runs the migrations) bypass all
of it, as PostgreSQL's owners do.

Revision ID: 0009
Revises: 0008 (after the deal)
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROLES = ("rep", "manager", "legal", "gm", "presales", "delivery", "aftersales")
GROUPS = tuple(f"salesflow_{role}" for role in ROLES)

# the team's shared tables: everyone reads; managers and gm write
SHARED = ("user", "setting", "target")
# everyone reads and writes; no row belongs to a customer
COMMON = ("code_sequence", "import_batch", "kpi_note")
# rows whose `step` names the role that decides: only that role inserts them
DECISIONS = ("approval", "solution_review")
# these children are readable by legal through their contract (the approval chain)
LEGAL_READS = ("contract",)


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.add_column(sa.Column("pool_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_customer_pool_on", "customer", ["pool_on"], unique=False)
    op.create_table(
        "pool_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),  # return | release | claim
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pool_move_customer_owner_at", "pool_move",
                    ["customer_id", "owner", "at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        install_server_rules(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        remove_server_rules(bind)
    op.drop_index("ix_pool_move_customer_owner_at", table_name="pool_move")
    op.drop_table("pool_move")
    op.drop_index("ix_customer_pool_on", table_name="customer")
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("pool_on")


# --- PostgreSQL: roles, grants, policies ---------------------------------------------------

FUNCTIONS = """
CREATE OR REPLACE FUNCTION salesflow_role() RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- the acting login's salesflow role in this database (NULL: not a salesflow user);
    -- plpgsql so that the planner never inlines it into a policy of "user" itself
    RETURN (SELECT role FROM "user" WHERE name = current_user::text);
END $$;

CREATE OR REPLACE FUNCTION salesflow_sees_all() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(salesflow_role() IN ('manager', 'gm'), false)
$$;

CREATE OR REPLACE FUNCTION salesflow_has_contract(cid integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER COST 1 SET search_path = public, pg_temp AS $$
    -- legal reads the customers its contracts name; a definer function, so that the
    -- customer policy does not recurse through the contract policy
    SELECT EXISTS (SELECT 1 FROM contract WHERE customer_id = cid)
$$;

CREATE OR REPLACE FUNCTION salesflow_duplicate(key text, other integer)
RETURNS TABLE (code text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    -- the duplicate check sees every customer, not only the ones the login may read: a
    -- rep adding a company another rep owns is told its code (and nothing else)
    SELECT c.code::text, c.name::text FROM customer c
    WHERE c.name_key = key AND (other IS NULL OR c.id <> other) ORDER BY c.id LIMIT 1
$$;
REVOKE ALL ON FUNCTION salesflow_duplicate(text, integer) FROM PUBLIC;

CREATE OR REPLACE FUNCTION salesflow_is_admin() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
        OR pg_has_role(current_user, (SELECT datdba FROM pg_database
                                      WHERE datname = current_database()), 'MEMBER')
$$;

CREATE OR REPLACE FUNCTION salesflow_check_contract() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    chain text[] := ARRAY['manager', 'legal', 'gm'];
    needed text[];
    threshold numeric;
    wanted text;
BEGIN
    IF salesflow_is_admin() THEN
        RETURN NULL;
    END IF;
    IF NEW.status = 'pending' THEN
        needed := chain[1:coalesce(array_position(chain, NEW.pending_step), 1) - 1];
    ELSIF NEW.status IN ('approved', 'signed') THEN
        IF NEW.status = 'signed' AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('approved',
                                                                              'signed')) THEN
            RAISE EXCEPTION 'contract %: only an approved contract can be signed', NEW.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status IN ('approved', 'signed') THEN
            RETURN NULL;  -- approved before; nothing new is claimed
        END IF;
        SELECT round(value::numeric * 100) INTO threshold
            FROM setting WHERE key = 'gm_threshold';
        needed := CASE WHEN NEW.amount < coalesce(threshold, 0)
                       THEN chain[1:2] ELSE chain END;
    ELSE
        RETURN NULL;
    END IF;
    FOREACH wanted IN ARRAY coalesce(needed, ARRAY[]::text[]) LOOP
        IF NOT EXISTS (SELECT 1 FROM approval a WHERE a.contract_id = NEW.id
                       AND a.round = NEW.round AND a.step = wanted
                       AND a.decision = 'approve') THEN
            RAISE EXCEPTION 'contract %: the % step has not approved it', NEW.number, wanted
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NULL;
END $$;
"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(bind) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[0] for r in bind.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename")]


def _columns(bind, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {r[0] for r in bind.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %(t)s", {"t": table})}


def _parents(bind, table: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(column, referenced table) of each single-column foreign key of `table`."""
    return [(r[0], r[1]) for r in bind.exec_driver_sql(
        "SELECT a.attname, r.relname FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND t.relname = %(t)s AND array_length(c.conkey, 1) = 1 "
        "ORDER BY a.attname", {"t": table})]


def customer_tree(bind) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every table that hangs off a customer, directly or through its parents: table →
    (column, parent table). customer_id is preferred when a table has several paths."""
    tables = _tables(bind)
    tree: dict[str, tuple[str, str]] = {}
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table == "customer" or table in tree:
                continue
            links = [(c, p) for c, p in _parents(bind, table)
                     if p == "customer" or p in tree]
            if links:
                tree[table] = next((link for link in links if link[1] == "customer"),
                                   links[0])
                grew = True
    return tree


def _runner(bind):  # type: ignore[no-untyped-def]
    """Runs SQL text as is (no parameters, so '%' in plpgsql bodies stays literal)."""
    cursor = bind.connection.dbapi_connection.cursor()
    return cursor.execute


def install_server_rules(bind) -> None:  # type: ignore[no-untyped-def]
    run = _runner(bind)
    for group in GROUPS:
        # roles are cluster-wide: another database (or a parallel first upgrade) may have
        # made them already
        run(f"""DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') THEN
                        CREATE ROLE {group} NOLOGIN;
                    END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$""")
    run("DO $$ BEGIN EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', "
        "current_database()); END $$")
    run(FUNCTIONS)
    groups = ", ".join(GROUPS)
    tables = _tables(bind)
    tree = customer_tree(bind)
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {groups}")
    run(f"GRANT EXECUTE ON FUNCTION salesflow_duplicate(text, integer) TO {groups}")
    for table in tables:
        t = _q(table)
        if table == "alembic_version":
            # any login may ask the schema version (salesflow does, before it knows who
            # connected; a login of no salesflow group is then refused in one line)
            run(f"GRANT SELECT ON {t} TO PUBLIC")
        elif table == "audit" or table in DECISIONS:
            run(f"GRANT SELECT, INSERT ON {t} TO {groups}")
        else:
            run(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {t} TO {groups}")

    # Each policy is for the groups it concerns (TO …): PostgreSQL plans only the
    # policies of the groups the login belongs to, so a rep's queries carry the plain,
    # indexable `owner IN (me, '')` and nothing else. What a policy allows is still
    # decided from this database's user table (salesflow_role()), so a login that is a
    # manager in another database of the server gains nothing here from that group.
    member = "(SELECT salesflow_role()) IS NOT NULL"
    all_ = "(SELECT salesflow_sees_all())"
    legal = "(SELECT salesflow_role()) = 'legal'"
    mine = f"{member} AND owner IN (current_user::text, '')"
    reps = ", ".join(f"salesflow_{r}" for r in ROLES if r not in ("manager", "gm", "legal"))
    managers = "salesflow_manager, salesflow_gm"
    lawyers = "salesflow_legal"
    policies: dict[str, list[tuple[str, str, str | None, str | None, str | None]]] = {
        "customer": [
            ("read_own", "SELECT", reps, mine, None),
            ("read_all", "SELECT", managers, all_, None),
            ("read_contracted", "SELECT", lawyers,
             f"{legal} AND salesflow_has_contract(id)", None),
            ("add_own", "INSERT", reps, None, mine),
            ("add_any", "INSERT", managers, None, all_),
            ("change_own", "UPDATE", reps, mine, mine),
            ("change_any", "UPDATE", managers, all_, all_),
            ("remove_own", "DELETE", reps, f"{member} AND owner = current_user::text", None),
            ("remove_any", "DELETE", managers, all_, None),
        ],
        "audit": [
            ("read", "SELECT", None, f"{all_} OR \"user\" = current_user::text", None),
            ("append", "INSERT", None, None, f"{member} AND \"user\" = current_user::text"),
        ],
    }
    for table in SHARED:
        policies[table] = [("read", "SELECT", None, "true", None),
                           ("add", "INSERT", None, None, all_),
                           ("change", "UPDATE", None, all_, all_),
                           ("remove", "DELETE", None, all_, None)]
    for table, (column, parent) in tree.items():
        # the parent row visible to this login (under the parent's own policies)
        visible = (f"{member} AND EXISTS (SELECT 1 FROM {_q(parent)} p "
                   f"WHERE p.id = {_q(table)}.{_q(column)})")
        readers = [("rows_own", reps, visible), ("rows_all", managers, all_),
                   ("rows_legal", lawyers, f"{legal}" if table in LEGAL_READS else visible)]
        if table in DECISIONS and {"step", "by"} <= _columns(bind, table):
            # only the role the step names decides it, as itself, and never on a contract
            # (or solution) it created itself: separation of duties, in psql too
            own = (f"NOT EXISTS (SELECT 1 FROM {_q(parent)} p WHERE p.id = "
                   f"{_q(table)}.{_q(column)} AND p.{_q(_creator(parent))} = "
                   "current_user::text)")
            policies[table] = [(f"read_{name[5:]}", "SELECT", to, using, None)
                               for name, to, using in readers]
            policies[table].append(
                ("decide", "INSERT", None, None,
                 f"{member} AND step = (SELECT salesflow_role()) AND "
                 f"\"by\" = current_user::text AND ({visible}) AND {own}"))
        else:
            policies[table] = [(name, "ALL", to, using, using) for name, to, using in readers]
    for table, rules in policies.items():
        if table not in tables:
            continue
        t = _q(table)
        run(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        for name, command, to, using, check in rules:
            sql = f"CREATE POLICY salesflow_{name} ON {t} FOR {command}"
            if to:
                sql += f" TO {to}"
            if using:
                sql += f" USING ({using})"
            if check:
                sql += f" WITH CHECK ({check})"
            run(sql)
    run("CREATE CONSTRAINT TRIGGER salesflow_contract_approved AFTER INSERT OR UPDATE "
        "ON contract DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION salesflow_check_contract()")


def _creator(parent: str) -> str:
    return {"contract": "created_by", "solution": "author"}.get(parent, "created_by")


def remove_server_rules(bind) -> None:  # type: ignore[no-untyped-def]
    run = _runner(bind)
    run("DROP TRIGGER IF EXISTS salesflow_contract_approved ON contract")
    for (table, policy) in bind.exec_driver_sql(
            "SELECT tablename, policyname FROM pg_policies "
            "WHERE schemaname = current_schema() AND left(policyname, 10) = 'salesflow_'").all():
        run(f"DROP POLICY {_q(policy)} ON {_q(table)}")
    for table in _tables(bind):
        run(f"ALTER TABLE {_q(table)} DISABLE ROW LEVEL SECURITY")
        run(f"REVOKE ALL ON {_q(table)} FROM {', '.join(GROUPS)}")
    run(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {', '.join(GROUPS)}")
    for function in ("salesflow_check_contract()", "salesflow_is_admin()",
                     "salesflow_duplicate(text, integer)",
                     "salesflow_has_contract(integer)", "salesflow_sees_all()",
                     "salesflow_role()"):
        run(f"DROP FUNCTION IF EXISTS {function}")
    run("DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO PUBLIC', "
        "current_database()); END $$")
