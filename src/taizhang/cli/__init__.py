"""The ``taizhang`` console command. Each sub-command lives in a module of this package with a ``register``."""
