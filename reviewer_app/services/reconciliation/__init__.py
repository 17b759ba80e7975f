"""Reconciliation of independent double reviews: blind until both are in, discordance, consensus,
second-stage review.
"""
