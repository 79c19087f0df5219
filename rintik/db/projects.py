"""Billing projects: the list, one project, its notification addresses."""

import sqlalchemy as sa

from rintik.db.engine import main_context_manager
from rintik.db import models

PROJECTS = models.Project.__table__


@main_context_manager.reader
def projects(context):
    """Every billing project (project_id, known_since, retired_at)."""
    return context.session.execute(sa.select(
        PROJECTS.c.project_id, PROJECTS.c.known_since,
        PROJECTS.c.retired_at).order_by(PROJECTS.c.project_id)).all()


@main_context_manager.reader
def get_project(context, project_id):
    return context.session.execute(sa.select(PROJECTS).where(
        PROJECTS.c.project_id == project_id)).first()


@main_context_manager.writer
def set_project_email(context, project_id, email):
    """Set a known project's notification addresses; False if unknown."""
    return bool(context.session.execute(PROJECTS.update().where(
        PROJECTS.c.project_id == project_id).values(
        email_notification=email)).rowcount)
