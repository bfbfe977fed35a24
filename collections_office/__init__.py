"""Collections back office: project package (settings, urls, Celery app, shared helpers)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
