"""Azure checks: one file per check, over an `AzureApi` (Resource Graph, ARM, MS Graph)."""
