"""Presentation for people: hearing briefs (HTML / PDF), the auditors' Excel workbook and the Fiscal Data Package."""
