"""Declarative sync: manifest -> desired state -> plan -> apply -> report."""
