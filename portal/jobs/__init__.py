"""The job outbox: slow or fallible work (email, PDFs) queued in the same transaction as the
change that needs it, and done by a worker with retries."""
