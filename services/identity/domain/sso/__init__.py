"""Single sign-on: connections to identity providers (SAML 2.0, OIDC), verified domains, realm discovery,
just-in-time provisioning and the "SSO required" policy."""
