"""Turnover early warning (signals with thresholds as data), successors for key posts,
and the handover checklist of a person who leaves."""
