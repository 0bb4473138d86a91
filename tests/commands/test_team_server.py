"""A team on one server (SPEC §15), tested as real PostgreSQL logins: the acting user is the
database login, `--as` is refused, a rep sees and changes only their own customers (in
salesflow and in psql alike), a rep cannot approve a contract as a manager by any route,
and the audit trail is append-only for every salesflow role.

The administrator (the suite's `postgres` superuser) sets the team up with `user add …
--password-stdin`; the tests then connect as those logins, which authenticate by password
on .ci/postgres.sh's server. Roles are cluster-wide and tests run in parallel on their own
databases: every login name carries the test's own suffix, and is dropped afterwards."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url
from tests.conftest import PG_ADMIN_URL

from salesflow.cli import app

pytestmark = pytest.mark.server_only

ROLES = ("rep", "manager", "legal", "gm", "presales", "delivery", "aftersales")


class Team:
    """The team's logins on the test's database, and salesflow or psql run as one."""

    def __init__(self, cli) -> None:  # type: ignore[no-untyped-def]
        self.cli = cli
        self.suffix = uuid.uuid4().hex[:6]
        self.logins: list[str] = []
        self.admin = self.name("boss")  # the first manager, added by the administrator

    def name(self, base: str) -> str:
        return f"{base}_{self.suffix}"

    def password(self, name: str) -> str:
        return f"pw-{name}-秘密"

    def add(self, base: str, role: str = "rep") -> str:
        """`user add` as the administrator (the suite's superuser acting --as the boss)."""
        name = self.name(base)
        self.logins.append(name)
        self.cli("user", "add", name, "--role", role, "--password-stdin",
                 user=self.admin, input=self.password(name) + "\n")
        return name

    def url(self, name: str, *, driver: bool = True) -> str:
        url = make_url(self.cli.location).set(username=name, password=self.password(name))
        if not driver:
            url = url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def run(self, name: str, *args: str, code: int = 0, env: dict | None = None):  # type: ignore[no-untyped-def]
        """salesflow as the login `name` (no --as, no SALESFLOW_USER)."""
        environ = {"SALESFLOW_DB": self.url(name), "SALESFLOW_USER": None, **(env or {})}
        result = self.cli.runner.invoke(app, list(args), env=environ)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == code, (
            f"salesflow {' '.join(args)} as {name} exited {result.exit_code}, expected "
            f"{code}\nstdout: {result.stdout}\nstderr: {result.stderr}")
        return result

    def fails(self, name: str, *args: str, env: dict | None = None) -> str:
        err = self.run(name, *args, code=1, env=env).stderr.strip()
        assert err.startswith("Error: ") and "\n" not in err, err
        return err

    def json(self, name: str, *args: str):  # type: ignore[no-untyped-def]
        return json.loads(self.run(name, *args, "--format", "json").stdout)

    def psql(self, name: str) -> psycopg.Connection:
        return psycopg.connect(self.url(name, driver=False))

    def drop(self) -> None:
        if not self.logins:
            return
        names = ", ".join(f'"{n}"' for n in self.logins)
        admin = make_url(self.cli.location).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(hide_password=False),
                             autocommit=True) as con:
            con.execute(f"DROP OWNED BY {names}")  # privileges here, CONNECT included
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as con:
            con.execute(f"DROP ROLE IF EXISTS {names}")


@pytest.fixture
def team(cli) -> Iterator[Team]:  # type: ignore[no-untyped-def]
    t = Team(cli)
    t.logins.append(t.admin)
    cli("user", "add", t.admin, "--role", "manager", "--password-stdin", user=t.admin,
        input=t.password(t.admin) + "\n")
    try:
        yield t
    finally:
        t.drop()


def two_reps(team: Team) -> tuple[str, str, str, str]:
    """Two reps with a customer each, added by themselves through their own logins."""
    a, b = team.add("li"), team.add("sun")
    code_a = team.run(a, "customer", "add", "华东精密科技有限公司", "--industry", "制造业",
                      "--region", "华东").stdout.strip()
    code_b = team.run(b, "customer", "add", "南方物流股份有限公司", "--industry", "物流",
                      "--region", "华南").stdout.strip()
    return a, b, code_a, code_b


def test_a_rep_sees_and_changes_only_their_own_customers(team):
    a, b, code_a, code_b = two_reps(team)

    assert [c["code"] for c in team.json(a, "customer", "list")] == [code_a]
    exported = list(csv.DictReader(io.StringIO(
        team.run(a, "export", "customers", "--format", "csv").stdout)))
    assert [r["code"] for r in exported] == [code_a]
    assert {i["customer_code"] for i in team.json(a, "due", "--days", "30")} == {code_a}
    team.fails(a, "customer", "show", code_b)

    with team.psql(a) as con:
        assert [r[0] for r in con.execute("SELECT code FROM customer")] == [code_a]
        assert con.execute("SELECT count(*) FROM followup").fetchone() == (0,)
        changed = con.execute("UPDATE customer SET name = 'mine now' WHERE code = %s",
                              (code_b,))
        assert changed.rowcount == 0
        # and a rep cannot hand a customer to someone else either
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE customer SET owner = %s WHERE code = %s", (b, code_a))
    assert team.cli.query(f"SELECT name, owner FROM customer WHERE code = '{code_b}'") == [
        ("南方物流股份有限公司", b)]

    # the duplicate check still sees past the policy, and names only the code
    err = team.fails(a, "customer", "add", "南方物流股份有限公司")
    assert code_b in err

    # the manager (a login too) sees the whole team
    boss = team.admin
    assert {c["code"] for c in team.json(boss, "customer", "list")} == {code_a, code_b}
    with team.psql(boss) as con:
        assert con.execute("SELECT count(*) FROM customer").fetchone() == (2,)


def test_as_is_refused_on_the_server(team, unchanged):
    a, b, code_a, _code_b = two_reps(team)
    check = unchanged()
    err = team.fails(a, "--as", b, "customer", "list")
    assert a in err and "--as" in err
    team.fails(a, "customer", "edit", code_a, "--notes", "x", env={"SALESFLOW_USER": b})
    team.fails(a, "--as", team.admin, "customer", "list")
    # naming oneself is no impersonation
    assert [c["code"] for c in json.loads(team.run(
        a, "--as", a, "customer", "list", "--format", "json").stdout)] == [code_a]
    check()


def test_a_login_that_is_no_salesflow_user_is_refused(team):
    stranger = team.name("stranger")
    team.logins.append(stranger)
    admin = make_url(team.cli.location).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False),
                         autocommit=True) as con:
        con.execute(f"CREATE ROLE \"{stranger}\" LOGIN PASSWORD "
                    f"'{team.password(stranger)}'")
        con.execute(f"GRANT CONNECT ON DATABASE \"{admin.database}\" TO \"{stranger}\"")
    err = team.fails(stranger, "customer", "list")
    assert stranger in err and "user add" in err


def test_a_rep_cannot_approve_a_contract_as_a_manager_by_any_route(team):
    a, _b, code_a, _code_b = two_reps(team)
    legal, gm = team.add("zhao", "legal"), team.add("chen", "gm")
    team.run(team.admin, "customer", "stage", code_a, "negotiation", "--reason", "框架协议")
    number = team.run(a, "contract", "add", code_a, "--amount", "258万",
                      "--submit").stdout.split()[0]
    contract_id = team.cli.query(f"SELECT id FROM contract WHERE number = '{number}'")[0][0]

    # salesflow: the role check is against the login, and --as is no way round it
    team.fails(a, "contract", "approve", number)
    team.fails(a, "--as", team.admin, "contract", "approve", number)
    # psql: an approval row of the manager step, in the manager's name or the rep's own
    for by in (team.admin, a):
        with team.psql(a) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO approval (contract_id, round, step, decision, \"by\", "
                        "at) VALUES (%s, 1, 'manager', 'approve', %s, now())",
                        (contract_id, by))
    # psql: moving the contract on by hand is refused when the transaction commits
    for change in ("status = 'approved', pending_step = NULL",
                   "pending_step = 'legal'", "status = 'signed'"):
        con = team.psql(a)
        con.execute(f"UPDATE contract SET {change} WHERE id = %s", (contract_id,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.commit()
        con.close()
    with team.psql(a) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("DELETE FROM approval")
    assert team.cli.query(f"SELECT status, pending_step FROM contract WHERE id = "
                          f"{contract_id}") == [("pending", "manager")]
    assert team.cli.query("SELECT count(*) FROM approval") == [(0,)]

    # the real chain, each step by its own login, goes through under the same policies
    for login in (team.admin, legal, gm):
        team.run(login, "contract", "approve", number)
    team.run(a, "contract", "sign", number)
    assert team.json(a, "contract", "show", number)["status"] == "signed"
    # legal reads the contracts (and their customers), not the rest of the book
    assert [c["number"] for c in team.json(legal, "contract", "list")] == [number]
    assert [c["code"] for c in team.json(legal, "customer", "list")] == [code_a]


def test_the_audit_is_append_only_for_every_salesflow_role(team):
    logins = [team.add(f"r{i}", role) for i, role in enumerate(ROLES)]
    team.run(logins[0], "customer", "add", "华东精密科技有限公司")
    for login in logins:
        for statement in ("DELETE FROM audit", "UPDATE audit SET what = 'nothing happened'",
                          "TRUNCATE audit"):
            with team.psql(login) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)
        # appending in someone else's name is refused too
        with team.psql(login) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("INSERT INTO audit (at, \"user\", command, what) VALUES "
                        "(now(), %s, 'psql', 'forged')", (team.admin,))
    assert team.cli.query("SELECT count(*) FROM audit WHERE what = 'forged'") == [(0,)]
    assert team.cli.query("SELECT count(*) FROM audit")[0][0] >= len(ROLES) + 1


def test_user_remove_revokes_the_login_and_an_existing_login_is_granted(team, backend):
    a = team.add("li")
    team.run(a, "customer", "list")
    # logins are the administrator's to manage, not a manager's login
    assert "administrator" in team.fails(team.admin, "user", "remove", a)
    team.cli("user", "remove", a, user=team.admin)
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        team.psql(a).close()
    # the same login again (as for a second database of the server): granted, not created
    result = team.cli("user", "add", a, "--password-stdin", user=team.admin,
                      input="another password\n")
    assert "exists already" in result.stderr
    team.run(a, "customer", "list")  # with its first password, which it kept


def test_a_password_on_the_command_line_is_never_needed_and_stdin_must_give_one(team):
    err = team.cli.fails("user", "add", team.name("x"), "--password-stdin",
                         user=team.admin, input="\n")
    assert "--password-stdin" in err
    assert team.cli.query(f"SELECT count(*) FROM pg_roles WHERE rolname = "
                          f"'{team.name('x')}'") == [(0,)]


def test_the_pool_under_row_level_security(team):
    """A customer in the pool (no owner) is visible to every rep and claimable; a rep's
    own write returns only what the rep can see (their own idle customers)."""
    a, b, code_a, code_b = two_reps(team)
    team.cli("config", "set", "pool.idle_days", "30", user=team.admin)
    team.cli.today("2027-01-15")  # both customers idle for 46 days
    assert team.run(a, "pool", "sweep").stderr.strip().endswith(code_a)
    assert [r["code"] for r in team.json(b, "pool", "list")] == [code_a]
    with team.psql(b) as con:
        assert sorted(r[0] for r in con.execute("SELECT code FROM customer")) == sorted(
            [code_a, code_b])
    assert "pool.lockout_days" in team.fails(a, "pool", "claim", code_a)
    # b's write first returns b's own idle customer, then takes a's
    team.run(b, "pool", "claim", code_a)
    assert [c["code"] for c in team.json(a, "customer", "list")] == [code_b]
    with team.psql(a) as con:
        assert con.execute("SELECT code, owner FROM customer").fetchall() == [(code_b, "")]
    assert team.cli.query(f"SELECT owner FROM customer WHERE code = '{code_a}'") == [(b,)]


def test_the_readme_recipe_sets_up_a_team(team, tmp_path):
    """README's recipe, run as written by a shell, on the suite's server: the host, port,
    database and people's names swapped for this test's."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    recipe = re.search(r"<!-- team-server-recipe -->\n```sh\n(.*?)```", readme, re.S)
    assert recipe, "README.md keeps its team-server recipe"
    server = make_url(team.cli.location)
    database = f"{server.database}_recipe"
    wang, li = team.name("wang"), team.name("li")
    team.logins += [wang, li]
    script = (recipe.group(1).replace("db.example.com", server.host or "127.0.0.1")
              .replace("5432", str(server.port)).replace("salesflow_team", database)
              .replace("wang.lei", wang).replace("li.na", li))
    env = {**os.environ, "HOME": str(tmp_path), "WANG_PASSWORD": "wang-秘密",
           "LI_PASSWORD": "li-pw 42", "PGPASSFILE": str(tmp_path / ".pgpass"),
           "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "SALESFLOW_LANG": "en"}
    for name in ("SALESFLOW_DB", "SALESFLOW_USER", "SALESFLOW_TODAY"):
        env.pop(name, None)
    try:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "MFG-EC-001" in done.stdout and "new-lead" in done.stdout  # the agenda
        admin = server.set(drivername="postgresql", database=database)
        with psycopg.connect(admin.render_as_string(hide_password=False)) as con:
            assert con.execute("SELECT owner FROM customer").fetchall() == [(li,)]
            assert con.execute("SELECT value FROM setting WHERE key = 'pool.idle_days'"
                               ).fetchall() == [("30",)]
    finally:
        with psycopg.connect(PG_ADMIN_URL.replace("+psycopg", ""), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_a_rep_s_whole_day_works_under_row_level_security(team, tmp_path):
    """Every write path of a rep reaches what it needs (sequences, code_sequence, settings,
    users, the agenda's reads) under the policies; what a rep may not do is one line."""
    a = team.add("li")
    code = team.run(a, "customer", "add", "华东精密科技有限公司", "--industry", "制造业",
                    "--region", "华东", "--need", "产线改造").stdout.strip()
    for args in (
            ("followup", "log", code, "-s", "电话沟通", "--channel", "phone",
             "--next-action", "发送报价", "--next-due", "+3d"),
            ("contact", "add", code, "赵工", "--title", "技术总监"),
            ("need", "add", code, "接口说明", "--kind", "must", "--priority", "high"),
            ("customer", "stage", code, "intent"),
            ("solution", "add", code, "智能分拣解决方案", "--quote", "100万"),
            ("customer", "recovery", code, "--plan", "约见决策人"),
            ("customer", "edit", code, "--notes", "关注交付周期"),
            ("grade", code)):
        team.run(a, *args)
    (tmp_path / "in.csv").write_text("name,industry\n南方物流股份有限公司,物流\n",
                                     encoding="utf-8")
    team.run(a, "customer", "import", str(tmp_path / "in.csv"))
    for args in (("report", "quarter"), ("brief", code), ("export", "followups"),
                 ("due", "--days", "7"), ("need", "list"), ("solution", "list"),
                 ("contact", "list", code), ("config", "show"), ("user", "list")):
        team.run(a, *args)
    assert len(team.json(a, "customer", "list")) == 2
    # the team's settings are the managers'
    err = team.fails(a, "config", "set", "pool.idle_days", "30")
    assert "server refused" in err
    team.run(team.admin, "config", "set", "pool.idle_days", "30")
