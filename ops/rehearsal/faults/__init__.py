"""The rehearsal's fault scenarios (ops rehearse --faults) and the faults the SaaS fakes can be armed with."""
