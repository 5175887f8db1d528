"""Test fixtures for chime-local: Control (the /_chime-local/ control plane, stdlib only),
Emulator (starts the binary or uses $CHIME_LOCAL_ENDPOINT), a pytest plugin
(chime_local.pytest_plugin: fixtures chime_local and chime) and chime_local.container
(Testcontainers, optional)."""

from .control import Clock, Control, ControlError
from .emulator import Emulator, EmulatorError, find_binary

__all__ = ["Clock", "Control", "ControlError", "Emulator", "EmulatorError", "find_binary"]
__version__ = "0.1.0"
