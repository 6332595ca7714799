"""GCP checks: each reads Cloud Asset Inventory through `GcpContext.assets` (organisation-wide)."""
