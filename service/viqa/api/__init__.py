"""The HTTP API: thin routes over the engine, the job store and the key store."""
