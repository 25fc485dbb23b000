"""Workspaces: the tenants. Created on install or on first contact, never deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Workspace
from storage.types import utc_now


class WorkspaceRepository:
    """Reads and writes ``workspace`` rows inside the caller's transaction."""

    def __init__(self, *, session: Session) -> None:
        self._session = session

    def get(self, *, team_id: str) -> Workspace | None:
        """The workspace, or None if the bot has never seen this team."""
        return self._session.get(Workspace, team_id)

    def ensure(self, *, team_id: str, name: str | None = None) -> Workspace:
        """Return the workspace, creating it if missing; a given name refreshes the stored one.

        Two requests from a new workspace can arrive at once; the loser of the insert race
        rolls back only its savepoint and reads the winner's row.
        """
        workspace = self.get(team_id=team_id)
        if workspace is None:
            try:
                with self._session.begin_nested():
                    workspace = Workspace(team_id=team_id, name=name, installed_at=utc_now(), settings={})
                    self._session.add(workspace)
            except IntegrityError:
                workspace = self.get(team_id=team_id)
                if workspace is None:
                    raise
        if name is not None and workspace.name != name:
            workspace.name = name
        return workspace

    def mark_installed(self, *, team_id: str, at: datetime) -> Workspace:
        """Record a (re)installation, creating the workspace if needed."""
        workspace = self.ensure(team_id=team_id)
        workspace.installed_at = at
        workspace.uninstalled_at = None
        return workspace

    def mark_uninstalled(self, *, team_id: str, at: datetime) -> Workspace | None:
        """Record that the app was removed, so nothing more is planned or sent; None if unknown."""
        workspace = self.get(team_id=team_id)
        if workspace is not None:
            workspace.uninstalled_at = at
        return workspace
