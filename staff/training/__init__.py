"""Training: needs, plans (approved through the shared approvals), sessions with
attendance, evaluation and each person's training record; new-hire onboarding."""
