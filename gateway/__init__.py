"""gateway: the only public entry — authentication, roles, request ids and routing to the services."""
SERVICE = "gateway"
