"""What notify's mail says: each kind of mail composed from its Jinja2 templates, with the headers
every mail carries.

- :mod:`.templates`: the template files (``PTGHUB_TEMPLATE_DIR`` overrides before the packaged
  ones), checked when a process starts;
- :mod:`.headers`: From, To, tagged Subject, Date, stable Message-IDs, threads, Auto-Submitted,
  the one-click unsubscribe headers of personal mail; no value can inject a header;
- :mod:`.summaries`: a track's and an event's summary to a list;
- :mod:`.reminders`: a person's reminder digest;
- :mod:`.sessions`: the notice to a track's list that a session moved or was cancelled;
- :mod:`.webhooks`: the notice to an integration's contact that its webhook was disabled.
"""
from .templates import TemplatesRefused, install  # noqa: F401
from .webhooks import webhook_disabled_mail  # noqa: F401
