"""The orchestration layer: workspace -> engine inputs -> typed results (the audit and its verdict)."""
