"""Chain indexer: scanner (fetch, reorgs), handlers (event → projection ops), cursor."""
