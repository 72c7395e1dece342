"""Reflex configuration of Shuying: offline, no telemetry, ports and Redis from storage.settings."""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from storage.settings import get_settings

_settings = get_settings()

# State lives in process memory on one machine; with SHUYING_REDIS_URL set, every backend replica
# shares it through Redis.
_state = (
    {"state_manager_mode": rx.constants.StateManagerMode.REDIS, "redis_url": _settings.redis_url}
    if _settings.redis_url
    else {"state_manager_mode": rx.constants.StateManagerMode.MEMORY}
)

config = rx.Config(
    app_name="app",
    telemetry_enabled=False,
    # prod mode serves page and backend on this one port; dev mode adds the backend on 8000
    frontend_port=_settings.app_port,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="light", accent_color="indigo", gray_color="slate", radius="medium")
        )
    ],
    default_color_mode="light",
    # the sitemap plugin is enabled by default; an admin console has nothing to index
    disable_plugins=[SitemapPlugin],
    # behind reverse proxies the web login's client address (login throttling) comes from X-Forwarded-For
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    **_state,
)
