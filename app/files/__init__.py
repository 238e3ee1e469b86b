"""The blob store: every file the application keeps (documents, attachments, letters), in the
database so that every instance and worker reads the same bytes (see storage.py)."""
