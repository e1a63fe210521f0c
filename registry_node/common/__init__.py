"""Pieces shared by the API's domain packages: request types, pagination, dependencies."""
