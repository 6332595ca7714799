"""GCP checks: each reads Cloud Asset Inventory through `GcpApi.assets` (organisation-wide)."""
