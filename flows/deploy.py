"""Create the `shuying` work pool and register every flow deployment (idempotent).

Run by `make run` once the Prefect server answers: `python -m flows.deploy`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound

from storage.settings import REPO_ROOT, get_settings


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment: the flow's entrypoint in this repo and its defaults."""

    name: str
    entrypoint: str
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)
    cron: str | None = None


DEPLOYMENTS: tuple[DeploymentSpec, ...] = (
    DeploymentSpec(
        name="demo",
        entrypoint="flows/demo_data.py:load_demo_data",
        description="Load the demo brand into an empty app database / 向空数据库加载演示数据",
    ),
)


async def ensure_work_pool(name: str) -> None:
    """Create the process work pool unless it exists."""
    async with get_client() as client:
        try:
            await client.read_work_pool(name)
        except ObjectNotFound:
            await client.create_work_pool(WorkPoolCreate(name=name, type="process"))


def deploy_all() -> list[str]:
    """Register every deployment in DEPLOYMENTS from the local source tree; returns their names."""
    from prefect import flow as prefect_flow

    pool = get_settings().prefect_work_pool
    asyncio.run(ensure_work_pool(pool))
    names = []
    for spec in DEPLOYMENTS:
        loaded = prefect_flow.from_source(source=str(REPO_ROOT), entrypoint=spec.entrypoint)
        loaded.deploy(
            name=spec.name,
            work_pool_name=pool,
            description=spec.description,
            parameters=spec.parameters or None,
            cron=spec.cron,
            print_next_steps=False,
            ignore_warnings=True,
        )
        names.append(f"{loaded.name}/{spec.name}")
    return names


if __name__ == "__main__":
    for deployed in deploy_all():
        print(f"    deployment {deployed}")
