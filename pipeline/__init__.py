"""Hälsocenter rapport: Excel in, nyckeltal och Word-rapport ut."""
