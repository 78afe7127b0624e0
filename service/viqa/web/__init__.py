"""The review pages: server-rendered templates and a little JavaScript, no build step."""
