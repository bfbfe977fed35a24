"""Recruitment: vacancies, candidates from application to hire, their personal data."""
