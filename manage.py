#!/usr/bin/env python
"""Django's command-line utility for Tsunagu."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"設定エラー / configuration error: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
