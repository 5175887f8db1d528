# pytester runs small pytest sessions in a subprocess: how the plugin's xdist tenant mode and ini
# option are tested. Every other test uses only the plugin's own fixtures (chime, chime_local).
pytest_plugins = ["pytester"]
