"""Seeds: the seed-file schema, the quote verifier, the transactional loader and their CLI."""

from service.seeding.loader import LoadReport, SeedConflict, load_seed
from service.seeding.reader import Seed, SeedError, SeedInvalid, read_seed

__all__ = ["LoadReport", "Seed", "SeedConflict", "SeedError", "SeedInvalid", "load_seed", "read_seed"]
