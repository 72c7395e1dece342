"""Flow: load the demo data set into the app database (idempotent: only when it has no customers)."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact

from services import demo


@flow(name="load-demo-data", log_prints=False)
def load_demo_data(customers: int = 20000, seed: int | None = None, force: bool = False) -> dict:
    """Load the deterministic demo brand; progress shows as a Prefect progress artifact.

    Args:
        customers: number of unified customers to generate.
        seed: random seed (the settings' demo_seed when None).
        force: clear the demo tables and load again even when the database already has data.

    Returns:
        The loader's summary (row counts per table and seconds taken) as a dict.
    """
    logger = get_run_logger()
    artifact_id = create_progress_artifact(progress=0.0, description="Demo data / 演示数据")

    def progress(phase: str, done: int, total: int) -> None:
        pct = 100.0 * done / total if total else 100.0
        update_progress_artifact(artifact_id=artifact_id, progress=pct, description=f"{phase}")

    if force:
        summary = demo.load_demo(customers=customers, seed=seed, progress=progress, clear=True)
    else:
        summary = demo.ensure_demo_data(customers=customers, seed=seed, progress=progress)
    update_progress_artifact(artifact_id=artifact_id, progress=100.0)
    result = summary.model_dump(mode="json") if hasattr(summary, "model_dump") else dict(summary or {})
    logger.info("demo data: %s", result)
    return result
