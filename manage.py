#!/usr/bin/env python
"""Django's command-line utility; the same commands are available as ``tuntas``."""

from tuntas.cli import main

if __name__ == "__main__":
    main()
