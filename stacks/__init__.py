"""Stack settings, the production guard and the wiring of one environment."""
