"""The program run offline: `__main__.py` under the SDK's mocks (`runner`, `mocks`), the policy pack over gRPC
(`pack`), and the stack's facts the documents share (`facts`). Imports `shared` and `analyzer`, no command."""
