from batch.console import entry

entry()
