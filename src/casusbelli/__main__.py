"""``python -m casusbelli`` runs the ``casus`` command line."""

from casusbelli.cli import main

main()
