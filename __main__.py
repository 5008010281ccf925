"""Kitchen Kontrol environment: `pulumi preview|up -s STACK`, or offline: `python -m ops plan STACK`."""

from stacks.program import run

run()
