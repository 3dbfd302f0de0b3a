"""The job worker: does the outbox's jobs (portal.outbox: email, PDFs), each queued in the
same transaction as the change that needed it, with retries."""
