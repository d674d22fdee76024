"""qoo10-dispatch: match courier tracking numbers to Qoo10 Japan orders."""

__version__ = "0.1.0"
