"""``python -m geosci.commands``: the same as the ``geosci`` command."""

from geosci.commands import main

main(prog_name="geosci")
