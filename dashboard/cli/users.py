"""Commands on accounts: ``user add``, ``list``, ``disable``, ``enable`` and ``set-password``."""

import argparse
import getpass
import sys
from typing import Any

from dashboard.cli.common import CliError, all_missions, one_mission
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.services import admin
from dashboard.services.passwords import check_password_rules
from dashboard.settings import Settings
from dashboard.store.database import get_engine, migrate, read_session, write_session
from dashboard.views import admin_lists
from models.scales import BUREAUS


def _read_password(args: argparse.Namespace) -> str:
    """The new password from stdin (``--password-stdin``) or a hidden prompt; never from the command line."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise CliError("the two passwords differ")
    else:
        raise CliError("no terminal to ask for the password: pipe it in with --password-stdin")
    check_password_rules(password)
    return password


def _cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    password = _read_password(args) if args.password_stdin or args.password else None
    with write_session(get_engine(settings.database_url)) as session:
        mission_id = one_mission(session, args.mission).id if args.agency or args.mission else None
        home = one_mission(session, args.home).id if args.home else None
        if home is None and mission_id is None and len(all_missions(session)) == 1:
            mission_id = one_mission(session, None).id  # the only mission is the new user's home
        user = admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email=args.email,
            role=args.role,
            agencies=args.agency or [],
            groups=args.group or [],
            password=password,
            bureau=args.bureau,
            mission_id=mission_id,
            home_mission_id=home,
        )
        line = _user_line(admin_lists.UserRow(**admin.user_snapshot(session, user)))
    print(f"added {line}")
    if password is None:
        print("no local password: the user signs in through single sign-on, or set one with `user set-password`")
    return 0


def _user_line(user: admin_lists.UserRow) -> str:
    parts = [str(user.email), str(user.role)]
    if user.agencies:
        parts.append("agencies: " + ", ".join(user.agencies))
    if user.working_groups:
        parts.append("chairs: " + "; ".join(user.working_groups))
    if user.bureau:
        parts.append(f"bureau: {user.bureau}")
    if user.home:
        parts.append(f"home: {user.home}")
    if user.disabled:
        parts.append("DISABLED")
    if user.locked_until:
        parts.append(f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC (from at least one client)")
    if not user.local_password:
        parts.append("no local password")
    return " | ".join(parts)


def _cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with read_session(get_engine(settings.database_url)) as session:
        users = admin_lists.list_users(session)
    if not users:
        print("no users yet: create the first admin with `python -m dashboard user add EMAIL --role admin`")
        return 0
    for user in users:
        print(_user_line(user))
    return 0


def _cmd_user_disable(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    with write_session(get_engine(settings.database_url)) as session:
        admin.update_user(session=session, actor_email=SYSTEM_ACTOR, email=args.email, disabled=args.disable)
    print(f"{'disabled' if args.disable else 'enabled'} {args.email.strip().lower()}")
    return 0


def _cmd_user_set_password(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    password = _read_password(args)
    with write_session(get_engine(settings.database_url)) as session:
        admin.set_password(session=session, actor_email=SYSTEM_ACTOR, email=args.email, password=password)
    print(f"password set for {args.email.strip().lower()} (any lock cleared)")
    return 0


def register(sub: Any) -> None:
    """Add this module's commands to the top-level subparsers."""
    users = sub.add_parser("user", help="accounts and roles").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    p = users.add_parser("add", help="add an account")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--role", required=True, choices=admin.ROLES)
    p.add_argument(
        "--mission", metavar="M", help="mission id or country where the agencies are (default: the only mission)"
    )
    p.add_argument(
        "--agency", action="append", metavar="ACR", help="agency the user reports for at --mission (repeatable)"
    )
    p.add_argument("--group", action="append", metavar="NAME", help="working group a chair reviews (repeatable)")
    p.add_argument(
        "--bureau", choices=list(BUREAUS), help="see only this regional bureau's missions (default: every mission)"
    )
    p.add_argument(
        "--home",
        metavar="M",
        help="mission id or country the user's pages open on (default: --mission, else the only mission)",
    )
    p.add_argument("--password", action="store_true", help="ask for a local password at a hidden prompt")
    p.add_argument("--password-stdin", action="store_true", help="read a local password from the first stdin line")
    p.set_defaults(func=_cmd_user_add)
    p = users.add_parser("list", help="list accounts with their roles")
    p.set_defaults(func=_cmd_user_list)
    p = users.add_parser("disable", help="disable an account (it can still be re-enabled)")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(func=_cmd_user_disable, disable=True)
    p = users.add_parser("enable", help="re-enable a disabled account")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(func=_cmd_user_disable, disable=False)
    p = users.add_parser("set-password", help="set a local password (also unlocks the account)")
    p.add_argument("email", metavar="EMAIL")
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first stdin line")
    p.set_defaults(func=_cmd_user_set_password)
