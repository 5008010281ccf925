"""Kitchen Kontrol environment: `pulumi preview|up -s STACK`, or offline: `python -m ops plan STACK`."""

from stacks.program import run
from stacks.startup import settle

settle()  # the provider SDKs loaded before the first resource, then left alone by the collector
run()
