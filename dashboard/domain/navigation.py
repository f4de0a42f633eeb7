"""Which pages each role sees. Pure, so the role matrix is tested without Streamlit."""

from dashboard.domain.actor import Actor

VIEW_PAGES = ["overview", "missions", "objective", "agency", "strategy", "tracker", "quarters"]


def page_names(actor: Actor, *, anonymous_view: bool) -> list[str]:
    """Page keys in navigation order; the first is the default page."""
    if not actor.signed_in:
        return [*VIEW_PAGES, "sign_in"] if anonymous_view else ["sign_in"]
    if not actor.can_view:  # an identity with no account here: what anonymous visitors see, if anything
        return [*VIEW_PAGES, "account"] if anonymous_view else ["account"]
    names = list(VIEW_PAGES)
    if actor.can_submit or actor.can_review:
        names.insert(0, "todo")
        names.insert(0, names.pop(names.index("overview")))
    if actor.can_submit:
        names.append("submit")
    if actor.can_review:
        names.append("review")
    if actor.is_admin:
        names.append("admin")
        names.append("strategy_import")
    names.append("account")
    return names


def landing_page(names: list[str]) -> str | None:
    """Where signing in lands, among the navigation's ``names``: My to-do for those who have one, else the Overview;
    None (stay on Account) for an identity that may see neither."""
    return next((name for name in ("todo", "overview") if name in names), None)
