"""Azure checks: one file per check, over an `AzureContext` (Resource Graph, ARM, MS Graph)."""
