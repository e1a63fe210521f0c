"""Retirement plans with paired-assistance priority (对口帮扶): endpoints → service → repository."""
