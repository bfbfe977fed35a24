"""Promotion reviews (DESIGN §5, issue 11): eligibility, the review chain, pages.

Modules: `eligibility` (criteria against the computed figures, the compliance gate),
`services` (every write: the chain's state machine), `selectors` (scoped reads),
`views`/`forms`/`urls` (pages), `tasks` (the appointment on the effective date).
"""
