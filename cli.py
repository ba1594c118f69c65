"""The ``geosci`` command line, for running from a checkout: ``python cli.py --help``.

The installed entry point is :func:`geosci.commands.main`; the commands live
in :mod:`geosci.commands`, one module per command, and this file only starts
the group. It is not installed, so the install adds no top-level ``cli``
import name.
"""

from geosci.commands import main

if __name__ == "__main__":  # pragma: no cover
    main()
