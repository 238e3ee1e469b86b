"""What the tests share: builders of data, readers of what the app produced, the SMTP sink.
Test modules import from here, never from one another."""
