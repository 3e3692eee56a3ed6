"""The orchestration layer: workspace -> engine inputs -> typed results (audit, verdict)."""
