"""The import path state written before the per-resource modules names the providers by.

Pulumi stores each dynamic resource's provider in state (`__provider`), pickled by reference:
module path and class name. Delete and refresh unpickle the one in state, so resources created
while both providers lived in this module still find them here.
"""

from .alert_contact import AlertContactProvider
from .monitor import MonitorProvider

__all__ = ["AlertContactProvider", "MonitorProvider"]
