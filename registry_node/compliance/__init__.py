"""Hubei compliance use (湖北碳市场衔接): years, covered entities, uses and the export file."""
