"""Demo data from the city documents in shared/seeds (fictional names for private people)."""
