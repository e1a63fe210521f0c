"""Reference preimages (court cases): endpoints → service → repository; node data."""
