"""The Twilio adapter: the only package that builds TwiML or calls Twilio's REST API."""
