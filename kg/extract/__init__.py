"""Extractors that turn an analysed document into records: organisations, amounts, dates."""
