"""The Security page and its forms: password, authenticator app (TOTP) and open sessions."""
