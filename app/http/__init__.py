"""What the HTTP entry points (API, pages, Open311, ops) share: the error rendering (`errors`)
and the login throttling (`login_limit`). Below every entry point, above the services."""
