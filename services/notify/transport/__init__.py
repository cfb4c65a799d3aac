"""The network clients notify's delivery loops and api use, each small and named by what it talks to:

- :mod:`.dns`: resolving a webhook's host once, checking every address, pinning the URL to one;
- :mod:`.http`: the webhook loop's aiohttp client on its own asyncio loop, with per-endpoint gates;
- :mod:`.smtp`: the mail loop's pooled SMTP connection.
"""
