"""notify: mailing-list mail and signed webhooks — how ptghub tells people and integrations."""
SERVICE = "notify"
