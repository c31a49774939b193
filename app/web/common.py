"""Helpers shared by the page modules: the runtime, the logged-in user, role checks."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, redirect, render_template, request, session, url_for

from app.domain.texts import N_
from app.services import auth


def rt():
    return current_app.extensions["qisu"]


def current_user():
    if "page_user" not in g:
        g.page_user = auth.actor_for_session(rt(), session.get("sid"))
    return g.page_user


def page(*roles: str):
    """A page for logged-in users (optionally of `roles`); passes the user as `actor`."""
    def decorator(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            actor = current_user()
            if actor is None:
                return redirect(url_for("web.auth.login", next=request.full_path))
            if roles and actor.role not in roles:
                return render_template("error.html", actor=actor, message=N_("无权访问此页面")), 403
            return fn(actor, *args, **kwargs)
        wrapper.qisu_login = ("page", roles)  # read by app.ops.bad_bytes_answer
        return wrapper
    return decorator
