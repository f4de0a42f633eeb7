"""Sign in (OIDC or a local account) and, once signed in, the account summary and sign-out."""

import streamlit as st

from dashboard.services import sign_in
from dashboard.web import account, cache, config, identity, mail_section

actor = identity.current_actor()
settings = config.settings()

if actor.signed_in:
    st.title("Account")
    st.success("You are signed in as:")
    st.text(actor.email or "")  # plain text: an e-mail in Markdown would become a link
    st.text(account.describe(actor))
    if not actor.can_view:
        st.info("You are signed in but have no account in this dashboard. Ask an admin for access.")
    elif actor.user_id is None:
        st.info(
            "You are signed in but have no account in this dashboard, so you can view only. Ask an admin for access."
        )
    mail_section.account_mail(actor)
    if st.button("Sign out", key="signin_out", icon=":material/logout:"):
        identity.sign_out()
        cache.after_write()
        st.rerun()
    st.stop()

st.title("Sign in")
if not settings.anonymous_view:
    st.caption("This dashboard is open to signed-in users only.")

if identity.oidc_configured():
    st.write("Sign in with your organisation's account.")
    st.button("Sign in with your organisation", key="signin_oidc", type="primary", on_click=st.login)
    st.stop()

if not identity.has_any_user():
    st.warning(
        "No accounts exist yet. The server's operator creates the first admin on the command line:\n\n"
        "`python -m dashboard user add you@agency.gov --role admin --password`"
    )

with st.form("signin_form"):
    email = st.text_input("E-mail", key="signin_email", autocomplete="username")
    password = st.text_input("Password", type="password", key="signin_password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    try:
        signed = sign_in.sign_in(
            cache.engine(),
            email,
            password,
            max_failures=settings.signin_max_failures,
            lock_minutes=settings.signin_lock_minutes,
            client=identity.client_address(),
        )
    except sign_in.SignInError as exc:
        st.error(str(exc))
    else:
        assert signed.email is not None
        identity.remember_local(signed.email)
        account.remember_sign_in()  # the entrypoint then opens My to-do for those who have one
        cache.after_write()
        st.rerun()
